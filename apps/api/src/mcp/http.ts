import type { Transport } from '@connectrpc/connect';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { RateLimiter, Telemetry } from '@yeet/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { devRolesHeader, devUserHeader, type IdentityResolver } from '../rpc/identity.ts';
import { createMcpServer } from './server.ts';

/** Headers that carry who the caller is; passed on to the API as they came. */
const credentialHeaders = ['authorization', devUserHeader, devRolesHeader];

/**
 * `POST /mcp`: MCP over Streamable HTTP, stateless — each request gets its own server, so
 * any replica can answer any request and nothing lives between them. Tools reach the API
 * in-process; the caller is whoever the request's `Authorization: Bearer` token says.
 */
export async function registerMcpRoute(
  app: FastifyInstance,
  o: { transport: Transport; identity: IdentityResolver; publicUrl: string; telemetry: Telemetry; limiter: RateLimiter },
): Promise<void> {
  app.post('/mcp', async (req, reply) => {
    const credentials: Record<string, string> = {};
    for (const name of credentialHeaders) {
      const value = req.headers[name];
      if (typeof value === 'string') credentials[name] = value;
    }
    const server = createMcpServer({
      transport: o.transport,
      credentials: async () => credentials,
      publicUrl: o.publicUrl,
      telemetry: o.telemetry,
      limiter: o.limiter,
      caller: await callerOf(req, o.identity),
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    reply.hijack();
    await transport.handleRequest(req.raw, reply.raw, req.body);
  });

  // Stateless: no stream to resume and no session to end.
  const notAllowed = async (_req: FastifyRequest, reply: import('fastify').FastifyReply) =>
    reply
      .code(405)
      .header('allow', 'POST')
      .send({ jsonrpc: '2.0', error: { code: -32000, message: 'This MCP server is stateless: send requests with POST.' }, id: null });
  app.get('/mcp', notAllowed);
  app.delete('/mcp', notAllowed);
}

/** Rate limits count per person when signed in, else per address. */
async function callerOf(req: FastifyRequest, identity: IdentityResolver): Promise<string> {
  const headers = new Headers();
  for (const name of credentialHeaders) {
    const value = req.headers[name];
    if (typeof value === 'string') headers.set(name, value);
  }
  try {
    const caller = await identity.resolve(headers);
    if (caller.kind === 'user') return `user:${caller.user.id}`;
  } catch {
    // a credential the API will refuse with a clear message; limit by address meanwhile
  }
  return `ip:${req.ip}`;
}
