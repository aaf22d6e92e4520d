import type { MessageShape } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import { transitions, type LifecycleAction, type Role } from '@yeet/domain';

/**
 * Who may call an RPC method, declared per method:
 * - public: anyone, signed in or not;
 * - authenticate: any signed-in user;
 * - role: a signed-in user holding the role (or one above it);
 * - owner: the owner of the resource the request names, or an admin; `orRole` lets a
 *   role (e.g. editor) act on resources it does not own.
 * Rules that depend on a resource's state live in the controllers.
 */
export type Policy<Req = unknown> =
  | { readonly kind: 'public' }
  | { readonly kind: 'authenticate' }
  | { readonly kind: 'role'; readonly role: Role }
  | { readonly kind: 'owner'; readonly resource: OwnedResource; readonly id: (req: Req) => string; readonly orRole?: Role };

/** A user "owns" their own account; an export belongs to the person whose data it holds. */
export type OwnedResource = 'recipe' | 'user' | 'export';

/** Finds who owns a resource; null when it does not exist. */
export interface OwnerResolver {
  ownerOf(resource: OwnedResource, id: string): Promise<string | null>;
}

/** A policy for every method of a service: leaving one out does not compile. */
export type PolicyTable<S extends GenService<GenServiceMethods>> = {
  readonly [K in keyof S['method']]: Policy<MessageShape<S['method'][K]['input']>>;
};

export const publicAccess = { kind: 'public' } as const;
export const signedIn = { kind: 'authenticate' } as const;
export const role = (r: Role) => ({ kind: 'role', role: r }) as const;
export const ownerOf = <Req>(resource: OwnedResource, id: (req: Req) => string, orRole?: Role): Policy<Req> =>
  orRole ? { kind: 'owner', resource, id, orRole } : { kind: 'owner', resource, id };

/** Lifecycle methods take their policy from the lifecycle table, so the two cannot drift. */
export const lifecyclePolicy = <Req extends { id: string }>(action: LifecycleAction): Policy<Req> =>
  transitions[action].by === 'owner' ? ownerOf<Req>('recipe', (r) => r.id) : role('editor');

/** Descriptive form for docs, logs and tests: "public", "role:editor", "owner:recipe|editor". */
export function describePolicy(policy: Policy<never>): string {
  switch (policy.kind) {
    case 'public':
    case 'authenticate':
      return policy.kind;
    case 'role':
      return `role:${policy.role}`;
    case 'owner':
      return `owner:${policy.resource}${policy.orRole ? `|${policy.orRole}` : ''}`;
  }
}
