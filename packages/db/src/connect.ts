import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export interface DatabaseHandle {
  db: Kysely<Database>;
  pool: pg.Pool;
  close(): Promise<void>;
}

/** How much longer than the server's statement_timeout the client waits before it gives up on a server that does not answer. */
const unresponsiveMarginMs = 1_000;

/**
 * A pooled connection. The pool's error handler keeps a dropped idle connection (database
 * restart, failover) from crashing the process; the next query gets a fresh connection or
 * a clear error. `close()` resolves once every connection is closed.
 *
 * `queryTimeoutMs` bounds every statement (for the pool that serves requests; long work such
 * as migrations, reindexing, backups and the job queue uses a pool without it): the server
 * cancels a statement after it (`statement_timeout`, SQLSTATE 57014), and when the server
 * does not answer at all (paused, a network partition) the client gives up a second later
 * ("Query read timeout") and drops that connection, whose state it no longer knows.
 */
export function connectDatabase(
  url: string,
  options: { poolMax?: number; applicationName?: string; onPoolError?: (err: Error) => void; queryTimeoutMs?: number } = {},
): DatabaseHandle {
  const timeout = options.queryTimeoutMs || null;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolMax ?? 10,
    application_name: options.applicationName ?? 'eat-or-yeet',
    // Waiting for a connection is part of a request's wait too: no longer than a statement may take.
    connectionTimeoutMillis: timeout ? Math.min(5_000, timeout + unresponsiveMarginMs) : 5_000,
    idleTimeoutMillis: 30_000,
    ...(timeout ? { statement_timeout: timeout, query_timeout: timeout + unresponsiveMarginMs } : {}),
  });
  pool.on('error', (err) => options.onPoolError?.(err));
  const open = new Set<pg.PoolClient>();
  pool.on('connect', (client) => {
    open.add(client);
    client.once('end', () => open.delete(client));
    // A connection that fails while checked out emits on the client itself.
    client.on('error', (err) => options.onPoolError?.(err));
    if (timeout) dropOnReadTimeout(client);
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

/**
 * After a client-side query timeout the statement may still run (or only start when a paused
 * server resumes), and later statements queued behind it would run in whatever state it leaves,
 * e.g. inside a BEGIN whose ROLLBACK was given up on. The connection is destroyed instead: the
 * pool discards it on release and the server rolls back what it had.
 */
function dropOnReadTimeout(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const result = query(...args);
    if (result instanceof Promise) {
      result.catch((err: unknown) => {
        if (err instanceof Error && err.message === 'Query read timeout') {
          (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
        }
      });
    }
    return result;
  };
}
