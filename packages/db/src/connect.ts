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
 * restart, failover) from crashing the process; the next query gets a fresh connection or
 * a clear error. `close()` resolves once every connection is closed.
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
  const open = new Set<pg.PoolClient>();
  pool.on('connect', (client) => {
    open.add(client);
    client.once('end', () => open.delete(client));
    // A connection that fails while checked out emits on the client itself.
    client.on('error', (err) => options.onPoolError?.(err));
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closing: Promise<void> | null = null;
  return {
    db,
    pool,
    close: () =>
      (closing ??= (async () => {
        // The pool's end() resolves once it has asked every connection to close, not once they
        // have: wait for them, so that a server stopped next does not cut one short mid-goodbye.
        const ended = [...open].map((client) => new Promise((resolve) => client.once('end', resolve)));
        await pool.end();
        await Promise.all(ended);
      })()),
  };
}
