import type { Transport } from '@connectrpc/connect';
import { NodeStreamableHTTPServerTransport, toNodeHandler, toWebRequest } from '@modelcontextprotocol/node';
import { createMcpHandler, isLegacyRequest } from '@modelcontextprotocol/server';
import { isCrossOrigin, type RateLimiter, type Telemetry } from '@yeet/platform';
import { clientAddress } from '../limits/address.ts';
import { rateLimitHeaders, type RateLimits } from '../limits/rate-limits.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { devRolesHeader, devUserHeader, type IdentityResolver } from '../rpc/identity.ts';
import { createMcpServer, needsSignIn } from './server.ts';
import { tools } from './tools.ts';

/** Headers that carry who the caller is; passed on to the API as they came. */
const credentialHeaders = ['authorization', devUserHeader, devRolesHeader];

export interface McpRouteOptions {
  transport: Transport;
  identity: IdentityResolver;
  publicUrl: string;
  /** The issuer that signs people in: the authorization server clients are sent to. */
  issuer: string;
  /** The scopes a client asks for to act for someone. */
  scopes: string[];
  telemetry: Telemetry;
  /** The MCP class's shared quota: calls per client per minute (MCP_RATE_LIMIT). */
  limits: RateLimits;
  /** Browser origins that may call /mcp: PUBLIC_URL's and MCP_ALLOWED_ORIGINS. */
  allowedOrigins: string[];
}

/** Tools an anonymous caller is challenged to sign in for (HTTP 401) rather than answered. */
const signInTools = new Set(tools.filter((t) => t.needsSignIn).map((t) => t.name));

/**
 * `POST /mcp`: MCP over Streamable HTTP, stateless — each request gets its own server, so
 * any replica can answer any request and nothing lives between them. Both protocol eras
 * are served: 2026-07-28 (server/discover, a per-request envelope) and the 2025 revisions
 * (initialize, then requests); see docs/decisions/0027-mcp-sdk-v2.md. Tools reach the API
 * in-process; the caller is whoever the request's `Authorization: Bearer` token says.
 * Clients find out how to get such a token from the protected resource metadata (RFC 9728)
 * that every 401 points to, as the MCP authorization spec describes.
 */
export async function registerMcpRoute(app: FastifyInstance, o: McpRouteOptions): Promise<void> {
  const resource = `${o.publicUrl}/mcp`;
  const metadataUrl = `${o.publicUrl}/.well-known/oauth-protected-resource/mcp`;
  const challenge = (error?: { code: string; description: string }) =>
    [
      `Bearer resource_metadata="${metadataUrl}"`,
      `scope="${o.scopes.join(' ')}"`,
      ...(error ? [`error="${error.code}"`, `error_description="${headerSafe(error.description)}"`] : []),
    ].join(', ');

  const metadata = {
    resource,
    authorization_servers: [o.issuer],
    scopes_supported: o.scopes,
    bearer_methods_supported: ['header'],
    resource_name: 'Eat or Yeet',
  };
  // RFC 9728 §3.1: the path variant for /mcp, and the bare one (the resource is this site's only one)
  for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
    app.get(path, async (_req, reply) => reply.header('access-control-allow-origin', '*').send(metadata));
  }

  // Against DNS rebinding (MCP transport spec): a page on another site must not reach this
  // server through the browser. Clients that are not browsers send no Origin.
  const onRequest = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!isCrossOrigin(req.headers, o.allowedOrigins)) return;
    return reply.code(403).send({
      jsonrpc: '2.0',
      error: { code: -32000, message: 'Requests from this origin are not allowed (MCP_ALLOWED_ORIGINS lists the allowed ones).' },
      id: null,
    });
  };

  app.post('/mcp', { onRequest }, async (req, reply) => {
    const credentials: Record<string, string> = {};
    for (const name of credentialHeaders) {
      const value = req.headers[name];
      if (typeof value === 'string') credentials[name] = value;
    }
    const caller = await callerOf(credentials, clientAddress(req) ?? 'unknown', o.identity);
    if ('refused' in caller) {
      // RFC 6750 §3.1: a client holding a bad token hears so at once and can get a new one,
      // rather than being served as anonymous and failing on its first write.
      return reply
        .code(401)
        .header('www-authenticate', challenge({ code: 'invalid_token', description: caller.refused }))
        .send({ jsonrpc: '2.0', error: { code: -32001, message: caller.refused }, id: null });
    }
    const signedIn = caller.key.startsWith('user:');
    const wanted = signedIn ? undefined : signInToolCalled(req.body);
    if (wanted) {
      // No token at all (RFC 6750 §3.1: no error code): the client's cue to sign the person in.
      return reply
        .code(401)
        .header('www-authenticate', challenge())
        .send({ jsonrpc: '2.0', error: { code: -32001, message: needsSignIn(wanted) }, id: null });
    }
    const options = {
      transport: o.transport,
      credentials: async () => credentials,
      publicUrl: o.publicUrl,
      telemetry: o.telemetry,
      limiter: await counted(o.limits, caller.key, req.body, reply),
      caller: caller.key,
      signedIn,
    };
    reply.hijack();
    if (await isLegacyRequest(await toWebRequest(req.raw, req.body), req.body)) {
      // A client of a 2025 revision (initialize, then requests without the per-request
      // envelope): served as before, by a server of its own over a stateless transport.
      const server = createMcpServer(options);
      const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      reply.raw.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req.raw, reply.raw, req.body);
      return;
    }
    // The 2026-07-28 revision: no handshake, each request carries its protocol version and
    // the client's capabilities (server/discover tells a client what this server offers).
    // (2025 revisions are negotiated with initialize, above; server/discover names the modern ones.)
    const handler = createMcpHandler(() => createMcpServer(options), { legacy: 'reject' });
    reply.raw.on('close', () => void handler.close());
    await toNodeHandler(handler)(req.raw, reply.raw, req.body);
  });

  // Stateless: no stream to resume and no session to end.
  const notAllowed = async (_req: FastifyRequest, reply: FastifyReply) =>
    reply
      .code(405)
      .header('allow', 'POST')
      .send({
        jsonrpc: '2.0',
        error: { code: -32000, message: 'This MCP server is stateless: send requests with POST.' },
        id: null,
      });
  app.get('/mcp', { onRequest }, notAllowed);
  app.delete('/mcp', { onRequest }, notAllowed);
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

/** The MCP requests that count against a client's quota: the ones that do work through the API. */
const countedMethods = new Set(['tools/call', 'resources/list', 'resources/read']);

/**
 * Counts this POST's calls against the client's shared quota (one per counted message) and
 * puts the RateLimit headers on the response. The MCP server answers an over-quota call
 * in-band, as a tool error the assistant can read; it asks the returned limiter, which
 * holds this request's decision.
 */
async function counted(limits: RateLimits, caller: string, body: unknown, reply: FastifyReply): Promise<RateLimiter> {
  const calls = (Array.isArray(body) ? body : [body]).filter((m) =>
    countedMethods.has((m as { method?: unknown } | null)?.method as string),
  ).length;
  const decision = calls > 0 ? await limits.take('mcp', caller, calls) : null;
  // The SDK's transport writes the response itself: the headers go on the raw response now.
  for (const [name, value] of decision ? rateLimitHeaders(decision) : []) reply.raw.setHeader(name, value);
  const waitMs = decision && !decision.allowed ? decision.resetSeconds * 1000 : 0;
  return { hit: () => waitMs, peek: () => waitMs, reset: () => {} };
}

/** The first tool in a JSON-RPC message (or batch) that is called and needs a signed-in caller. */
function signInToolCalled(body: unknown): string | undefined {
  for (const message of Array.isArray(body) ? body : [body]) {
    const m = message as { method?: unknown; params?: { name?: unknown } } | null;
    if (m?.method === 'tools/call' && typeof m.params?.name === 'string' && signInTools.has(m.params.name)) return m.params.name;
  }
  return undefined;
}

/** RFC 6750's error_description allows printable ASCII except '"' and '\\'. */
const headerSafe = (text: string) => text.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '');
