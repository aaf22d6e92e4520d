import type { Database, Kysely } from '@yeet/db';

/** A connection or an open transaction: stores run their SQL on whichever they were given. */
export type Executor = Kysely<Database>;
