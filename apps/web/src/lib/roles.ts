import { roleValues, type User } from '@yeet/contract';
import type { Caller } from '@yeet/domain';
import { includesRole, type Role } from '@yeet/domain/values';

/** The roles a person holds, by the domain's names. */
export const rolesOf = (user: User): Role[] => user.roles.map(roleValues.toDomain).filter((r): r is Role => r !== undefined);

/** Roles add up: an admin can do what an editor can, and so on (the domain's order). */
export function can(user: User | null | undefined, role: Role): boolean {
  return user ? includesRole(rolesOf(user), role) : false;
}

/** The signed-in person as the domain's rules see a caller. */
export const callerOf = (user: User): Caller => ({
  kind: 'user',
  user: { id: user.id, displayName: user.displayName },
  roles: rolesOf(user),
});
