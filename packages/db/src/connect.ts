import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export interface DatabaseHandle {
  db: Kysely<Database>;
  pool: pg.Pool;
  close(): Promise<void>;
}

/**
 * A pooled connection. The pool's error handler keeps a dropped idle connection (database
 * restart, failover, Ctrl-C of the embedded server) from crashing the process; the next
 * query gets a fresh connection or a clear error.
 */
export function connectDatabase(
  url: string,
  options: { poolMax?: number; applicationName?: string; onPoolError?: (err: Error) => void } = {},
): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolMax ?? 10,
    application_name: options.applicationName ?? 'eat-or-yeet',
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (err) => options.onPoolError?.(err));
  // A connection that fails while checked out emits on the client itself.
  pool.on('connect', (client) => client.on('error', (err) => options.onPoolError?.(err)));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    db,
    pool,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
