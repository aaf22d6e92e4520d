import type { Interceptor, Transport } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-web';

/**
 * The browser's transport to this origin's /api, loaded with Connect on the page's first call
 * (lib/api.ts), so that what it adds costs the page's first load nothing.
 */
export function createBrowserTransport(interceptors: Interceptor[]): Transport {
  // First: a call repeated by an interceptor after it (refreshOnce) stays in the same trace.
  return createConnectTransport({ baseUrl: '/api', useHttpGet: true, interceptors: [traceContext, ...interceptors] });
}

/**
 * W3C Trace Context for each call: a trace of its own (the user's action), which the server
 * continues through the API, PostgreSQL and the job queue, so that the trace id an operator
 * sees in devtools (the request's `traceparent` header) finds the whole action. The browser
 * records no spans (docs/decisions/0034-browser-trace-context.md), hence the flags "00": it
 * asks nothing of the server's sampling, which decides by the trace id alone.
 */
const traceContext: Interceptor = (next) => (req) => {
  req.header.set('traceparent', `00-${randomHex(16)}-${randomHex(8)}-00`);
  return next(req);
};

function randomHex(bytes: number): string {
  let hex = '';
  for (const byte of crypto.getRandomValues(new Uint8Array(bytes))) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
