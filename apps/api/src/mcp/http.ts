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
    const caller = await callerOf(credentials, req.ip, o.identity);
    if ('refused' in caller) {
      // RFC 6750 §3.1: a client holding a bad token hears so at once and can get a new one,
      // rather than being served as anonymous and failing on its first write.
      return reply
        .code(401)
        .header('www-authenticate', `Bearer error="invalid_token", error_description="${headerSafe(caller.refused)}"`)
        .send({ jsonrpc: '2.0', error: { code: -32001, message: caller.refused }, id: null });
    }
    const server = createMcpServer({
      transport: o.transport,
      credentials: async () => credentials,
      publicUrl: o.publicUrl,
      telemetry: o.telemetry,
      limiter: o.limiter,
      caller: caller.key,
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
      .send({
        jsonrpc: '2.0',
        error: { code: -32000, message: 'This MCP server is stateless: send requests with POST.' },
        id: null,
      });
  app.get('/mcp', notAllowed);
  app.delete('/mcp', notAllowed);
}

/**
 * Who is calling, as a rate-limit key: the person when signed in, else the address. A
 * credential that was sent but not accepted is refused outright.
 */
async function callerOf(
  credentials: Record<string, string>,
  ip: string,
  identity: IdentityResolver,
): Promise<{ key: string } | { refused: string }> {
  try {
    const caller = await identity.resolve(new Headers(credentials));
    if (caller.kind === 'user') return { key: `user:${caller.user.id}` };
  } catch (error) {
    return { refused: error instanceof Error ? error.message : String(error) };
  }
  if (/^bearer\s/i.test(credentials.authorization ?? '')) {
    return {
      refused:
        'The access token was not accepted: it has expired, was revoked, or was issued for another server. Get a new one (`yeet token` prints one) and connect again.',
    };
  }
  return { key: `ip:${ip}` };
}

/** RFC 6750's error_description allows printable ASCII except '"' and '\\'. */
const headerSafe = (text: string) => text.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '');
