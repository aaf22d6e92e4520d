import type { Database, Kysely } from '@yeet/db';

/** A connection or an open transaction: stores run their SQL on whichever they were given. */
export type Executor = Kysely<Database>;

/** Postgres error codes the stores act on. */
export const pgCodes = { uniqueViolation: '23505' } as const;

export function pgError(e: unknown): { code?: string; constraint?: string } {
  return typeof e === 'object' && e !== null ? (e as { code?: string; constraint?: string }) : {};
}
