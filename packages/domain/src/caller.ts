/**
 * Who is making a call. Identity is established at the edge (dev header today, OIDC tokens
 * later); everything behind the edge sees only this shape.
 */
export const roles = ['user', 'author', 'editor', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Roles are cumulative: each one includes everything the ones before it can do. */
const rank: Record<Role, number> = { user: 0, author: 1, editor: 2, admin: 3 };

export interface UserRef {
  id: string;
  displayName: string;
}

export type Caller =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'user'; readonly user: UserRef; readonly roles: readonly Role[] };

export type SignedInCaller = Extract<Caller, { kind: 'user' }>;

export const anonymous: Caller = { kind: 'anonymous' };

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

/** True when the caller holds `role` or a role above it. */
export function hasRole(caller: Caller, role: Role): boolean {
  if (caller.kind !== 'user') return false;
  return caller.roles.some((r) => rank[r] >= rank[role]);
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

/** The most a caller may do, for display ("editor"). */
export function highestRole(held: readonly Role[]): Role {
  return held.reduce<Role>((top, r) => (rank[r] > rank[top] ? r : top), 'user');
}

/** Roles a new person gets: they can rate and write recipes (publishing needs an editor). */
export const defaultRoles: readonly Role[] = ['user', 'author'];
export const firstPersonRoles: readonly Role[] = ['user', 'author', 'editor', 'admin'];
