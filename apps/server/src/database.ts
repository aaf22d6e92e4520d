import { connectDatabase, migrateToLatest, startEmbeddedPostgres, type DatabaseHandle } from '@yeet/db';
import type { Config, Telemetry } from '@yeet/platform';
import { migrateJobQueue, registerQueueMetrics } from '@yeet/worker';
import type { Lifecycle } from './lifecycle.ts';

export interface OpenDatabase {
  /** For long work: migrations, the job queue, reindexing, backups, the search index's load. */
  handle: DatabaseHandle;
  /**
   * For requests: each statement bounded by DATABASE_QUERY_TIMEOUT_MS, so a database that does
   * not answer fails a request fast (`unavailable`) instead of holding it. Its connections are
   * opened on first use: a process that serves no requests opens none.
   */
  requests: DatabaseHandle;
  /** Its connection URL (the search-change listener opens a connection of its own). */
  url: string;
  /** True when this process started the embedded PostgreSQL. */
  embedded: boolean;
}

/**
 * The database of the API and the worker: `DATABASE_URL`, or else (role `all` only) an
 * embedded PostgreSQL under `DATA_DIR`; migrated (the schema, then the job queue's) before
 * anything uses it. The lifecycle closes the pool and, after it, stops the embedded server.
 * An embedded server that dies is restarted (the pool and listeners reconnect by themselves);
 * one that will not restart fails the lifecycle, so the process exits for a supervisor.
 */
export async function openDatabase(config: Config, telemetry: Telemetry, lifecycle: Lifecycle): Promise<OpenDatabase> {
  const { logger } = telemetry;
  let url = config.database.url;
  let embedded = false;
  if (!url) {
    if (config.role !== 'all') {
      throw new Error(`--role ${config.role} needs DATABASE_URL: the embedded database runs only with --role all.`);
    }
    const pgLog = logger.child({ component: 'embedded-postgres' });
    const server = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.embeddedPgPort,
      // Ctrl-C in a terminal must reach only this process, which stops PostgreSQL last.
      ownProcessGroup: true,
      log: (m) => pgLog.debug(m),
      supervise: {
        onEvent(event) {
          if (event.kind === 'exited') pgLog.error({ reason: event.reason }, 'embedded PostgreSQL exited; restarting it');
          else if (event.kind === 'restarted') pgLog.info({ attempt: event.attempt }, 'embedded PostgreSQL restarted');
          else if (!event.final)
            pgLog.warn({ attempt: event.attempt, err: event.error }, 'embedded PostgreSQL did not restart; trying again');
          else
            lifecycle.fail(
              new Error(`the embedded PostgreSQL did not restart after ${event.attempt} attempts`, { cause: event.error }),
            );
        },
      },
    });
    lifecycle.onStop(() => server.stop());
    ({ url } = server);
    embedded = true;
    logger.info({ dataDir: config.dataDir, port: server.port, created: server.created }, 'embedded PostgreSQL is running');
  }
  const handle = connectDatabase(url, {
    poolMax: config.database.poolMax,
    onPoolError: (err) => logger.warn({ err }, 'database connection failed'),
  });
  const requests = connectDatabase(url, {
    poolMax: config.database.poolMax,
    queryTimeoutMs: config.database.queryTimeoutMs,
    onPoolError: (err) => logger.warn({ err }, 'database connection failed'),
  });
  lifecycle.onStop(() => Promise.all([handle.close(), requests.close()]).then(() => undefined));
  await migrate(handle, telemetry);
  return { handle, requests, url, embedded };
}

async function migrate(handle: DatabaseHandle, { logger, metrics }: Telemetry): Promise<void> {
  const applied = await migrateToLatest(handle.db);
  if (applied.length) logger.info({ migrations: applied }, 'applied database migrations');
  await migrateJobQueue(handle.pool, logger);
  registerQueueMetrics(handle.pool, metrics);
}
