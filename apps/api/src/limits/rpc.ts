import type { DescMethod } from '@bufbuild/protobuf';
import { MethodOptions_IdempotencyLevel } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, createContextKey, type Interceptor } from '@connectrpc/connect';
import { RecipeService, SearchService } from '@yeet/contract';
import { callerKey } from '../rpc/context.ts';
import { rateLimitHeaders, refusalMessage, type CallKind, type RateLimits } from './rate-limits.ts';

/**
 * The client address of an RPC that came over HTTP (Fastify's req.ip: the socket's peer, or
 * with TRUST_PROXY the X-Forwarded-For client). null for calls inside the process (the MCP
 * server's tools), which /mcp has already counted.
 */
export const clientAddressKey = createContextKey<string | null>(null, { description: 'the client address of this RPC' });

/** Full searches; suggestions (a prefix lookup per keystroke) are priced as reads, so typing is never throttled. */
const searchMethods = new Set<DescMethod>([SearchService.method.searchRecipes]);

/**
 * An import has our server fetch a page and a photo from another site and parse them: it costs
 * this many writes, so a person cannot turn the importer into a crawler.
 */
export const importCostInWrites = 10;
const importMethods = new Set<DescMethod>([RecipeService.method.importRecipe]);

/** The units one call of `method` takes from the caller's quota. */
export function callCost(method: DescMethod, costs: RateLimits['costs']): number {
  return importMethods.has(method) ? costs.write * importCostInWrites : costs[callKind(method)];
}

/**
 * What a method costs, from the contract: a search, a read (marked NO_SIDE_EFFECTS, the
 * methods the web may send as GET), or else a write. Derived rather than listed, so a new
 * method is priced the moment it exists.
 */
export function callKind(method: DescMethod): CallKind {
  if (searchMethods.has(method)) return 'search';
  return method.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS ? 'read' : 'write';
}

/**
 * The rate limit of RPCs over HTTP, after identity and before authorization: a signed-in
 * caller is counted as the person, an anonymous one by address (unless the address is
 * exempt). Every counted response carries the RateLimit headers; a refusal is
 * resource_exhausted (HTTP 429, or the gRPC status) with Retry-After and the quota in words.
 */
export function rateLimited(limits: RateLimits): Interceptor {
  return (next) => async (req) => {
    const caller = req.contextValues.get(callerKey);
    const address = req.contextValues.get(clientAddressKey);
    const cost = callCost(req.method, limits.costs);
    const decision =
      caller.kind === 'user'
        ? await limits.take('person', caller.user.id, cost)
        : address !== null && !limits.exempt(address)
          ? await limits.take('anonymous', address, cost)
          : null;
    if (!decision) return next(req);
    const headers = rateLimitHeaders(decision);
    if (!decision.allowed) {
      // gRPC and gRPC-Web carry an error's metadata in the trailers, where the RateLimit
      // fields must not appear (draft §3.1, §4.1): they get Retry-After and gRPC's own
      // server pushback (gRFC A6) instead.
      const grpc = /^application\/grpc/.test(req.header.get('content-type') ?? '');
      const metadata: Array<[string, string]> = grpc
        ? [
            ['retry-after', String(decision.resetSeconds)],
            ['grpc-retry-pushback-ms', String(decision.resetSeconds * 1000)],
          ]
        : headers;
      throw new ConnectError(refusalMessage(decision, limits.describeCosts()), Code.ResourceExhausted, new Headers(metadata));
    }
    const res = await next(req);
    for (const [name, value] of headers) res.header.set(name, value);
    return res;
  };
}
