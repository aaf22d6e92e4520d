import { context as traceContext, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import type { JobCatalogue, TaskDefinition, TaskName, TracedPayload } from '@yeet/api';
import { observe, type Classify, type Logger, type Metrics, type Telemetry } from '@yeet/platform';
import {
  Logger as WorkerLogger,
  parseCronItems,
  run,
  runMigrations,
  type Runner,
  type Task,
  type TaskList,
} from 'graphile-worker';
import type pg from 'pg';
import type { Histogram } from 'prom-client';
import { registerJobLagMetric, registerUnhandledJobsMetric, unhandledJobs } from './queue-metrics.ts';

export interface WorkerHandle {
  stop(): Promise<void>;
  /**
   * Resolves once the runner has stopped: after stop(), or on its own when it could not
   * record a job's outcome (the database went away mid-job), after which it runs nothing.
   */
  stopped: Promise<void>;
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
  const { catalogue, logger, metrics, pool } = options;
  assertCatalogue(catalogue);

  const names = Object.keys(catalogue.tasks) as TaskName[];
  // Started again after its runner stopped on its own (see WorkerHandle.stopped), the metrics are registered already.
  const lag =
    (metrics.registry.getSingleMetric('yeet_job_lag_seconds') as Histogram<'task'> | undefined) ?? registerJobLagMetric(metrics);
  const taskList: TaskList = Object.fromEntries(
    names.map((name) => [name, runTask(name, catalogue.tasks[name], { logger, metrics }, lag)]),
  );
  const unhandled = await unhandledJobs(pool, names);
  if (unhandled.size > 0) {
    logger.error(
      { unhandled: Object.fromEntries(unhandled), tasks: names },
      'queued jobs name tasks this worker has no handler for; they will not run until a worker that knows them does',
    );
  }
  if (!metrics.registry.getSingleMetric('yeet_job_queue_unhandled')) registerUnhandledJobsMetric(pool, metrics, names);

  const runner: Runner = await run({
    pgPool: pool,
    concurrency: options.concurrency,
    noHandleSignals: true, // the process's own shutdown stops the worker
    // Unbatched (the default), a job's completion or failure is written without being awaited,
    // so a stop could close the pool first and leave a finished job locked for four hours.
    // Batched, even with no delay, stop() waits for those writes.
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    logger: graphileLogger(logger, options.stopping),
    taskList,
    parsedCronItems: parseCronItems(
      catalogue.schedules.map((s) => ({ task: s.task, match: s.cron, identifier: s.task, options: { backfillPeriod: 0 } })),
    ),
  });
  logger.info({ tasks: names, schedules: catalogue.schedules }, 'worker is running');
  return { stop: () => runner.stop(), stopped: runner.promise.catch(() => {}) };
}

/** Every failure of a job is ours to look at, whatever it was: graphile-worker retries it with backoff. */
const jobFailure: Classify = () => ({ label: 'error', fault: true });

/**
 * One job, observed as a consumer operation named for its task (a span with the job id and
 * attempt, yeet_job_duration_seconds{task,outcome}, the fault logged once), a child of the
 * span that enqueued it when the payload carries that trace context. Its payload is
 * asserted on entry: a queued job may predate today's shape. A thrown error, a stale payload
 * included, goes back to graphile-worker, which retries with exponential backoff; each failed
 * attempt gets one line saying so.
 */
function runTask<T extends TaskName>(name: T, task: TaskDefinition<T>, telemetry: Telemetry, lag: Histogram<'task'>): Task<T> {
  return async (payload: unknown, { job }) => {
    const context = { jobId: job.id, attempt: job.attempts };
    const logger = telemetry.logger.child({ task: name, ...context });
    const operation = {
      kind: 'consumer',
      name,
      system: 'graphile_worker',
      attributes: { 'messaging.message.id': job.id, 'yeet.job.attempt': job.attempts },
      context: () => context,
    } as const;
    const carrier = (payload as TracedPayload | null)?._trace;
    const enqueuedIn = propagation.extract(ROOT_CONTEXT, typeof carrier === 'object' && carrier !== null ? carrier : {});
    try {
      await traceContext.with(enqueuedIn, () =>
        observe(
          telemetry,
          operation,
          async () => {
            task.assertPayload(payload);
            await task.run(payload, { logger });
          },
          jobFailure,
        ),
      );
      lag.observe({ task: name }, (Date.now() - job.created_at.getTime()) / 1000);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (job.attempts < job.max_attempts)
        logger.warn({ reason, maxAttempts: job.max_attempts }, `job ${name} failed; it will be retried`);
      else
        logger.error(
          { reason, maxAttempts: job.max_attempts },
          `job ${name} failed on its last attempt; it stays on the queue as failed`,
        );
      throw err;
    }
  };
}

/**
 * Creates or upgrades the queue's schema (graphile_worker). Every role that enqueues jobs
 * runs it at start, so the API can enqueue before any worker has ever started.
 */
export async function migrateJobQueue(pool: pg.Pool, logger: Logger): Promise<void> {
  await runMigrations({ pgPool: pool, logger: graphileLogger(logger) });
}

/**
 * Like immich's job registry check: a schedule for a task nobody handles stops the start.
 * The types already demand it; this catches a catalogue assembled past them.
 */
function assertCatalogue(catalogue: JobCatalogue): void {
  const tasks: Partial<Record<string, unknown>> = catalogue.tasks;
  for (const schedule of catalogue.schedules) {
    if (!tasks[schedule.task]) throw new Error(`schedule "${schedule.cron}" names unknown task "${schedule.task}"`);
  }
}

function graphileLogger(logger: Logger, stopping: () => boolean = () => false): WorkerLogger {
  const child = logger.child({ component: 'graphile-worker' });
  return new WorkerLogger((scope) => (level, message, meta) => {
    const fields = { ...scope, ...meta };
    // A failed job is reported by runTask, with its task and job id; this line repeats it with the whole job row.
    if (meta?.failure === true) child.debug(fields, message);
    else if ((level === 'error' || level === 'warning') && stopping()) child.debug(fields, message);
    else if (level === 'error') child.error(fields, message);
    else if (level === 'warning') child.warn(fields, message);
    else if (level === 'info')
      child.debug(fields, message); // its info lines are per-job chatter
    else child.trace(fields, message);
  });
}
