import type { DescMethod } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { anonymous, hasRole, isOwnerOrAdmin, notFound, permissionDenied, unauthenticated, type Caller } from '@yeet/domain';
import type { Telemetry } from '@yeet/platform';
import { callerKey } from './context.ts';
import type { IdentityResolver } from './identity.ts';
import { observeEdge } from './observe.ts';
import { type OwnerResolver, type Policy, type PolicyTable } from './policy.ts';

export interface RpcDependencies {
  identity: IdentityResolver;
  owners: OwnerResolver;
  telemetry: Telemetry;
}

type UnaryImpl = (req: unknown, ctx: HandlerContext) => Promise<unknown>;

/**
 * The one wrapper every RPC method goes through: resolve the caller, enforce the method's
 * policy, then run the handler observed (a span, yeet_rpc_duration_seconds, a log line on
 * failure, every error mapped to a Connect code). Handlers contain none of this.
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
  return (req, ctx) => {
    let caller: Caller = anonymous;
    return observeEdge(deps.telemetry, { name, system: 'connect_rpc', caller: () => callerLabel(caller) }, async () => {
      caller = await deps.identity.resolve(ctx.requestHeader);
      ctx.values.set(callerKey, caller);
      await enforce(policy, caller, req, deps.owners);
      return handler(req, ctx);
    });
  };
}

/** A caller as logs name it. */
export const callerLabel = (caller: Caller): string => (caller.kind === 'user' ? caller.user.id : 'anonymous');

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

