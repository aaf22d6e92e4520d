import type { JobCatalogue } from '@yeet/api';
import type { Logger, Metrics } from '@yeet/platform';
import { Logger as WorkerLogger, parseCronItems, run, runMigrations, type Runner, type TaskList } from 'graphile-worker';
import { Gauge } from 'prom-client';
import type pg from 'pg';

export interface WorkerHandle {
  stop(): Promise<void>;
}

export interface WorkerOptions {
  pool: pg.Pool;
  catalogue: JobCatalogue;
  logger: Logger;
  metrics: Metrics;
  concurrency: number;
  /** True once the process is stopping: connection errors are expected then and logged at debug. */
  stopping?: () => boolean;
}

/**
 * Runs the job catalogue on graphile-worker, in the application's PostgreSQL (schema
 * graphile_worker, created and migrated on start). A thrown error means "retry later" with
 * exponential backoff; stop() lets running jobs finish.
 */
export async function startWorker(options: WorkerOptions): Promise<WorkerHandle> {
  const { catalogue, logger, metrics } = options;
  assertCatalogue(catalogue);

  const taskList: TaskList = {};
  for (const [name, handler] of Object.entries(catalogue.tasks)) {
    taskList[name] = async (payload, helpers) => {
      const log = logger.child({ task: name, jobId: helpers.job.id, attempt: helpers.job.attempts });
      const stop = metrics.jobDuration.startTimer({ task: name });
      try {
        await handler(payload, { logger: log });
        stop({ outcome: 'ok' });
      } catch (err) {
        stop({ outcome: 'error' });
        log.error({ err, maxAttempts: helpers.job.max_attempts }, `job ${name} failed; it will be retried`);
        throw err;
      }
    };
  }

  const runner: Runner = await run({
    pgPool: options.pool,
    concurrency: options.concurrency,
    noHandleSignals: true, // the process's own shutdown stops the worker
    logger: graphileLogger(logger, options.stopping),
    taskList,
    parsedCronItems: parseCronItems(
      catalogue.schedules.map((s) => ({ task: s.task, match: s.cron, identifier: s.task, options: { backfillPeriod: 0 } })),
    ),
  });
  logger.info({ tasks: Object.keys(taskList), schedules: catalogue.schedules }, 'worker is running');
  return { stop: () => runner.stop() };
}

/**
 * Creates or upgrades the queue's schema (graphile_worker). Every role that enqueues jobs
 * runs it at start, so the API can enqueue before any worker has ever started.
 */
export async function migrateJobQueue(pool: pg.Pool, logger: Logger): Promise<void> {
  await runMigrations({ pgPool: pool, logger: graphileLogger(logger) });
}

/** Queue depth and permanently failed jobs, read from the queue on every scrape. */
export function registerQueueMetrics(pool: pg.Pool, metrics: Metrics): void {
  const read = async () =>
    (
      await pool.query<{ ready: number; waiting: number; failed: number }>(
        `select count(*) filter (where attempts < max_attempts and run_at <= now() and locked_at is null)::int as ready,
                count(*) filter (where attempts < max_attempts and run_at > now())::int as waiting,
                count(*) filter (where attempts >= max_attempts)::int as failed
         from graphile_worker.jobs`,
      )
    ).rows[0]!;
  let pending: ReturnType<typeof read> | null = null;
  // One query per scrape for all three gauges.
  const once = () => (pending ??= read().finally(() => setTimeout(() => (pending = null), 100)));
  const gauge = (name: string, help: string, pick: (r: Awaited<ReturnType<typeof read>>) => number) =>
    new Gauge({
      name,
      help,
      registers: [metrics.registry],
      async collect() {
        this.set(pick(await once()));
      },
    });
  gauge('yeet_job_queue_ready', 'Jobs due now and waiting for a worker.', (r) => r.ready);
  gauge('yeet_job_queue_scheduled', 'Jobs waiting for their run time (including retries with backoff).', (r) => r.waiting);
  gauge('yeet_job_queue_failed', 'Jobs that used up their attempts and will not run again.', (r) => r.failed);
}

/** Like immich's job registry check: a schedule for a task nobody handles stops the start. */
function assertCatalogue(catalogue: JobCatalogue): void {
  for (const schedule of catalogue.schedules) {
    if (!catalogue.tasks[schedule.task]) throw new Error(`schedule "${schedule.cron}" names unknown task "${schedule.task}"`);
  }
}

function graphileLogger(logger: Logger, stopping: () => boolean = () => false): WorkerLogger {
  const child = logger.child({ component: 'graphile-worker' });
  return new WorkerLogger((scope) => (level, message, meta) => {
    const fields = { ...scope, ...meta };
    if ((level === 'error' || level === 'warning') && stopping()) child.debug(fields, message);
    else if (level === 'error') child.error(fields, message);
    else if (level === 'warning') child.warn(fields, message);
    else if (level === 'info') child.debug(fields, message); // its info lines are per-job chatter
    else child.trace(fields, message);
  });
}
