import type { DescMethod } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import { Code, type HandlerContext, type ServiceImpl } from '@connectrpc/connect';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { hasRole, isOwnerOrAdmin, notFound, permissionDenied, unauthenticated, type Caller } from '@yeet/domain';
import { markLogged, wasLogged, type Telemetry } from '@yeet/platform';
import { callerKey } from './context.ts';
import { isClientError, toConnectError } from './errors.ts';
import type { IdentityResolver } from './identity.ts';
import { type OwnerResolver, type Policy, type PolicyTable } from './policy.ts';

const tracer = trace.getTracer('eat-or-yeet');

export interface RpcDependencies {
  identity: IdentityResolver;
  owners: OwnerResolver;
  telemetry: Telemetry;
}

type UnaryImpl = (req: unknown, ctx: HandlerContext) => Promise<unknown>;

/**
 * The one wrapper every RPC method goes through: resolve the caller, enforce the method's
 * policy, then run the handler inside a span, timed into yeet_rpc_duration_seconds and
 * logged, with every error mapped to a Connect code. Handlers contain none of this.
 */
export function secureService<S extends GenService<GenServiceMethods>>(
  service: S,
  impl: ServiceImpl<S>,
  policies: PolicyTable<S>,
  deps: RpcDependencies,
): ServiceImpl<S> {
  const wrapped: Record<string, UnaryImpl> = {};
  for (const method of service.methods) {
    if (method.methodKind !== 'unary') throw new Error(`${method.parent.typeName}/${method.name}: only unary methods are supported`);
    const handler = (impl as unknown as Record<string, UnaryImpl>)[method.localName];
    const policy = (policies as unknown as Record<string, Policy<unknown>>)[method.localName];
    if (!handler || !policy) throw new Error(`${method.parent.typeName}/${method.name} has no handler or no policy`);
    wrapped[method.localName] = wrapUnary(method, handler, policy, deps);
  }
  return wrapped as unknown as ServiceImpl<S>;
}

function wrapUnary(method: DescMethod, handler: UnaryImpl, policy: Policy<unknown>, deps: RpcDependencies): UnaryImpl {
  const name = `${method.parent.typeName}/${method.name}`;
  const { logger, metrics } = deps.telemetry;
  return (req, ctx) =>
    tracer.startActiveSpan(name, { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'connect_rpc', 'rpc.method': name } }, async (span) => {
      const stop = metrics.rpcDuration.startTimer({ method: name });
      let caller: Caller = { kind: 'anonymous' };
      try {
        caller = await deps.identity.resolve(ctx.requestHeader);
        ctx.values.set(callerKey, caller);
        await enforce(policy, caller, req, deps.owners);
        const response = await handler(req, ctx);
        stop({ code: 'ok' });
        return response;
      } catch (error) {
        const traceId = span.spanContext().traceId;
        const connectError = toConnectError(error, traceId);
        const code = Code[connectError.code];
        stop({ code });
        const context = { rpc: name, code, caller: caller.kind === 'user' ? caller.user.id : 'anonymous' };
        if (isClientError(connectError.code)) {
          logger.info(context, connectError.rawMessage);
        } else {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR });
          if (!wasLogged(error)) logger.error({ ...context, err: error }, `${name} failed`);
          markLogged(error);
        }
        throw connectError;
      } finally {
        span.end();
      }
    });
}

async function enforce(policy: Policy<unknown>, caller: Caller, req: unknown, owners: OwnerResolver): Promise<void> {
  if (policy.kind === 'public') return;
  if (caller.kind !== 'user') throw unauthenticated();
  switch (policy.kind) {
    case 'authenticate':
      return;
    case 'role':
      if (!hasRole(caller, policy.role)) throw permissionDenied(`This needs the ${policy.role} role; ask an admin for it.`);
      return;
    case 'owner': {
      if (policy.orRole && hasRole(caller, policy.orRole)) return;
      const owner = await owners.ownerOf(policy.resource, policy.id(req));
      if (owner === null) throw notFound(capitalise(policy.resource));
      if (!isOwnerOrAdmin(caller, owner)) {
        throw permissionDenied(
          `Only the ${policy.resource}'s owner${policy.orRole ? ` or an ${policy.orRole}` : ''} can do this.`,
        );
      }
      return;
    }
  }
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

