import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { traceStatements } from './trace.ts';

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
 * a clear error. `close()` resolves once every connection is closed. Statements run inside a
 * recorded trace get a span each (trace.ts).
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
  const stall = new Stall(() => ({
    connectionString: url,
    application_name: options.applicationName ?? 'eat-or-yeet',
    connectionTimeoutMillis: pool.options.connectionTimeoutMillis,
    query_timeout: pool.options.query_timeout,
  }));
  if (timeout) guardConnects(pool, stall);
  pool.on('connect', (client) => {
    open.add(client);
    client.once('end', () => open.delete(client));
    // A connection that fails while checked out emits on the client itself.
    client.on('error', (err) => options.onPoolError?.(err));
    if (timeout) guardStatements(client, stall);
    // Last, so that a statement's span covers a stalled pool's refusal too.
    traceStatements(client);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closing: Promise<void> | null = null;
  return {
    db,
    pool,
    close: () =>
      (closing ??= (async () => {
        stall.closed = true;
        // The pool's end() resolves once it has asked every connection to close, not once they
        // have: wait for them, so that a server stopped next does not cut one short mid-goodbye.
        const ended = [...open].map((client) => new Promise((resolve) => client.once('end', resolve)));
        await pool.end();
        await Promise.all(ended);
      })()),
  };
}

const isTimeout = (err: unknown) =>
  err instanceof Error &&
  /^Query read timeout$|timeout exceeded when trying to connect|due to connection timeout/.test(err.message);

const stalledError = () =>
  Object.assign(new Error('The database did not answer in time a moment ago; failing fast until it answers again'), {
    code: 'ETIMEDOUT',
  });

/**
 * Whether the server left a statement or a connection attempt unanswered past its timeout.
 * Until it answers again, a request would wait out one timeout per statement (e.g. the
 * rate-limit counter's, then its handler's, each on a new connection): instead, every
 * statement and connection of the pool fails at once (`ETIMEDOUT`, answered as
 * `unavailable`), while a connection of its own asks the server `select 1` again and again;
 * the first answer ends the stall, so service resumes as soon as the server does.
 */
class Stall {
  stalled = false;
  closed = false;
  readonly #config: () => pg.ClientConfig;

  constructor(config: () => pg.ClientConfig) {
    this.#config = config;
  }

  failed(err: unknown): void {
    if (!isTimeout(err) || this.stalled || this.closed) return;
    this.stalled = true;
    void this.#probe();
  }

  async #probe(): Promise<void> {
    while (this.stalled && !this.closed) {
      const client = new pg.Client(this.#config());
      client.on('error', () => {});
      try {
        await client.connect();
        await client.query('select 1');
        this.stalled = false;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      } finally {
        void client.end().catch(() => {});
      }
    }
  }
}

function guardConnects(pool: pg.Pool, stall: Stall): void {
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  (pool as { connect: unknown }).connect = (...args: unknown[]) => {
    const callback = typeof args[0] === 'function' ? (args[0] as (err: unknown, ...rest: unknown[]) => void) : null;
    if (stall.stalled) {
      if (!callback) return Promise.reject(stalledError());
      process.nextTick(() => callback(stalledError()));
      return undefined;
    }
    if (callback) {
      return connect((err: unknown, ...rest: unknown[]) => {
        if (err) stall.failed(err);
        callback(err, ...rest);
      });
    }
    const result = connect() as Promise<unknown>;
    result.catch((err: unknown) => stall.failed(err));
    return result;
  };
}

/**
 * After a client-side timeout the statement may still run (or only start when a paused
 * server resumes), and statements queued behind it would run in whatever state it leaves,
 * e.g. inside a BEGIN whose ROLLBACK was given up on. The connection is destroyed instead:
 * the pool discards it on release and the server rolls back what it had. While the pool is
 * stalled, a statement fails at once. (Kysely's promise form and pg's callback form, e.g.
 * `pool.query`; submittables such as cursors pass through.)
 */
function guardStatements(client: pg.PoolClient, stall: Stall): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const settled = (err: unknown) => {
    if (err instanceof Error && err.message === 'Query read timeout') {
      stall.failed(err);
      (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    }
  };
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const first = args[0] as { submit?: unknown } | null;
    if (first && typeof first === 'object' && typeof first.submit === 'function') return query(...args);
    const callback = typeof args.at(-1) === 'function' ? (args.at(-1) as (err: unknown, res?: unknown) => void) : null;
    if (stall.stalled) {
      if (!callback) return Promise.reject(stalledError());
      process.nextTick(() => callback(stalledError()));
      return undefined;
    }
    if (callback) {
      args[args.length - 1] = (err: unknown, res?: unknown) => {
        settled(err);
        callback(err, res);
      };
      return query(...args);
    }
    const result = query(...args) as Promise<unknown>;
    result.catch(settled);
    return result;
  };
}
