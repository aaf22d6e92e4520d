import { includesRole, roles, type Role } from './values.ts';

export interface UserRef {
  id: string;
  displayName: string;
}

/**
 * Who is making a call. Identity is established at the edge (access tokens, or the dev
 * header in development); everything behind the edge sees only this shape.
 */
export type Caller =
  | { readonly kind: 'anonymous' }
  | {
      readonly kind: 'user';
      readonly user: UserRef;
      readonly roles: readonly Role[];
      /** When the person last proved who they are to the identity provider (`auth_time`), if known. */
      readonly signedInAt?: Date;
    };

export type SignedInCaller = Extract<Caller, { kind: 'user' }>;

export const anonymous: Caller = { kind: 'anonymous' };

/** True when the caller holds `role` or a role above it. */
export function hasRole(caller: Caller, role: Role): boolean {
  return caller.kind === 'user' && includesRole(caller.roles, role);
}

export function isSignedIn(caller: Caller): caller is SignedInCaller {
  return caller.kind === 'user';
}

/** Owner of a resource, or an admin (who may act on anything). */
export function isOwnerOrAdmin(caller: Caller, ownerId: string): boolean {
  return caller.kind === 'user' && (caller.user.id === ownerId || hasRole(caller, 'admin'));
}

/** Every role includes "user"; duplicates go; ordered from least to most. */
export function normalizeRoles(input: readonly Role[]): Role[] {
  const set = new Set<Role>(['user', ...input]);
  return roles.filter((r) => set.has(r));
}

/** Roles a new person gets: they can rate and write recipes (publishing needs an editor). */
export const defaultRoles: readonly Role[] = ['user', 'author'];
export const firstPersonRoles: readonly Role[] = ['user', 'author', 'editor', 'admin'];
