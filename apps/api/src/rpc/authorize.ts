import { hasRole, isOwnerOrAdmin, notFound, permissionDenied, unauthenticated, type Caller } from '@yeet/domain';
import type { OwnerResolver, Policy } from './policy.ts';

/** Lets the call through when `caller` satisfies the method's policy for this request; otherwise throws why not. */
export async function enforce(policy: Policy, caller: Caller, req: unknown, owners: OwnerResolver): Promise<void> {
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
