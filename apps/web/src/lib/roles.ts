import { Role, type User } from '@yeet/contract';

/** Roles are cumulative: an admin can do what an editor can, and so on. */
export function can(user: User | null | undefined, role: Role): boolean {
  return Boolean(user?.roles.some((r) => r >= role));
}

export { Role };
