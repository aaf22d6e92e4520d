import type { DescMethod, DescService } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import {
  createContextValues,
  createRouterTransport,
  type ConnectRouter,
  type ServiceImpl,
  type Transport,
} from '@connectrpc/connect';
import { fastifyConnectPlugin } from '@connectrpc/connect-fastify';
import type { Telemetry } from '@yeet/platform';
import type { FastifyInstance } from 'fastify';
import { clientAddress } from '../limits/address.ts';
import type { RateLimits } from '../limits/rate-limits.ts';
import { clientAddressKey, rateLimited } from '../limits/rpc.ts';
import { idempotent, replayable, type IdempotentData } from './idempotency.ts';
import { withRequestBodyErrors } from './errors.ts';
import { registerRpcFallback, withAnyBody, withProtocolErrors } from './fallback.ts';
import type { IdentityResolver } from './identity.ts';
import { rpcInterceptors } from './interceptors.ts';
import type { OwnerResolver, Policy, PolicyTable } from './policy.ts';

/** A service, its handlers and its policy table: the compiler checks that the three agree. */
export interface SecuredService {
  service: DescService;
  impl: object;
  policies: Readonly<Record<string, Policy<never>>>;
}

export const secured = <S extends GenService<GenServiceMethods>>(
  service: S,
  impl: ServiceImpl<S>,
  policies: PolicyTable<S>,
): SecuredService => ({
  service,
  impl,
  policies: policies as SecuredService['policies'],
});

export interface RpcDependencies {
  services: SecuredService[];
  identity: IdentityResolver;
  owners: OwnerResolver;
  telemetry: Telemetry;
  /** Where writes sent with an Idempotency-Key run and their outcomes are kept; without it the header is ignored. */
  idempotency?: IdempotentData;
  /** Rate limits of calls over HTTP (docs/decisions/0019-rate-limits.md); the in-process transport is not limited. */
  limits?: RateLimits;
}

export interface Rpc {
  /** The services in this process (for the MCP server): no HTTP, the same interceptors. */
  transport: Transport;
  /** Mounts the services under /api: Connect, gRPC and gRPC-Web on one port. */
  register(app: FastifyInstance): Promise<void>;
}

/** Largest request body the API reads; recipes are a few KB. */
const maxRequestBytes = 1024 * 1024;

/** The RPC services behind their interceptors. Refuses to start when a method has no policy. */
export function createRpc(deps: RpcDependencies): Rpc {
  const policies = policyMap(deps.services);
  const after = deps.idempotency ? [idempotent(deps.idempotency)] : [];
  const interceptors = [...rpcInterceptors({ ...deps, policies }), ...after];
  // Over HTTP the caller's address is known and calls are counted; in-process calls come
  // from the MCP server, whose /mcp requests were counted already.
  const httpInterceptors = deps.limits
    ? [...rpcInterceptors({ ...deps, policies, limit: rateLimited(deps.limits) }), ...after]
    : interceptors;
  const routes = (router: ConnectRouter) => {
    for (const { service, impl } of deps.services) {
      router.service(service as GenService<GenServiceMethods>, deps.idempotency ? replayable(service, impl) : impl);
    }
  };
  return {
    transport: createRouterTransport(routes, { router: { interceptors } }),
    async register(app) {
      await app.register(withAnyBody(fastifyConnectPlugin), {
        prefix: '/api',
        readMaxBytes: maxRequestBytes,
        // Strict JSON: an unknown field or enum name is a client mistake worth reporting,
        // not something to ignore silently (see docs/decisions/0002-strict-json.md).
        jsonOptions: { ignoreUnknownFields: false },
        interceptors: httpInterceptors,
        contextValues: (req) => createContextValues().set(clientAddressKey, clientAddress(req)),
        routes: (router) => {
          routes(router);
          // Failures to read the body happen before the interceptors, in Connect's own handlers.
          // Connect's bare 415/405/505 answers get a body saying what to send instead.
          const handlers = router.handlers.map((handler) => withProtocolErrors(withRequestBodyErrors(handler, maxRequestBytes)));
          router.handlers.splice(0, handlers.length, ...handlers);
        },
      });
      // Any other path under /api: `unimplemented` in the caller's protocol, not the web's 404 page.
      await registerRpcFallback(
        app,
        deps.services.map((s) => s.service),
      );
    },
  };
}

/** Each method's policy, checked at start: the table is compile-checked, this also catches a cast or a stale entry. */
export function policyMap(services: readonly SecuredService[]): Map<DescMethod, Policy> {
  const policies = new Map<DescMethod, Policy>();
  for (const { service, policies: table } of services) {
    const names = new Set(service.methods.map((m) => m.localName));
    for (const key of Object.keys(table)) {
      if (!names.has(key)) throw new Error(`${service.typeName} has a policy for "${key}", which is not one of its methods`);
    }
    for (const method of service.methods) {
      const policy = table[method.localName];
      if (!policy) throw new Error(`${service.typeName}/${method.name} has no policy; declare one in rpc/policies.ts`);
      policies.set(method, policy as Policy);
    }
  }
  return policies;
}
