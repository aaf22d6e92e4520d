import type { Transport } from '@connectrpc/connect';
import type { Locale } from '@yeet/domain/locale';

/** The deadline of a call made while rendering a page, as over HTTP (apps/web/src/lib/api.ts). */
const renderCallTimeoutMs = 5_000;

/**
 * `transport` (the API's services in this process) as the web's server-side rendering calls
 * it for one request: the caller's access token as a bearer token, exactly the header an
 * HTTP call carries, so the API's interceptors identify and authorize the caller the same
 * way; the same deadline; and the page's language, as the browser's calls carry it. Errors
 * come back as the same ConnectErrors.
 */
export function callerTransport(transport: Transport, accessToken: string | null, locale: Locale = 'en'): Transport {
  const withToken = (init: ConstructorParameters<typeof Headers>[0]): Headers => {
    const header = new Headers(init);
    if (accessToken) header.set('authorization', `Bearer ${accessToken}`);
    // the page's language: the API writes its messages in it (apps/api/src/rpc/german.ts)
    if (locale !== 'en') header.set('accept-language', locale);
    return header;
  };
  return {
    unary: (method, signal, timeoutMs, header, input, contextValues) =>
      transport.unary(method, signal, timeoutMs ?? renderCallTimeoutMs, withToken(header), input, contextValues),
    stream: (method, signal, timeoutMs, header, input, contextValues) =>
      transport.stream(method, signal, timeoutMs ?? renderCallTimeoutMs, withToken(header), input, contextValues),
  };
}
