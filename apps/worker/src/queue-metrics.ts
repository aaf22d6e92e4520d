import type { Metrics } from '@yeet/platform';
import type pg from 'pg';
import { Gauge, Histogram } from 'prom-client';

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
        // While the database is away a scrape still answers (yeet_database_ready says why), with NaN: not known.
        const counts = await once().catch(() => null);
        this.set(counts ? pick(counts) : Number.NaN);
      },
    });
  gauge('yeet_job_queue_ready', 'Jobs due now and waiting for a worker.', (r) => r.ready);
  gauge('yeet_job_queue_scheduled', 'Jobs waiting for their run time (including retries with backoff).', (r) => r.waiting);
  gauge('yeet_job_queue_failed', 'Jobs that used up their attempts and will not run again.', (r) => r.failed);
}

/**
 * Jobs still to run whose task has no handler in `known`, counted by task. graphile-worker
 * only fetches the tasks it knows, so such jobs (queued under a task since renamed or
 * removed, or by an API newer than this worker) would otherwise wait without a sign.
 */
export async function unhandledJobs(pool: pg.Pool, known: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ task: string; jobs: number }>(
    `select task_identifier as task, count(*)::int as jobs from graphile_worker.jobs
     where attempts < max_attempts and task_identifier <> all($1::text[])
     group by task_identifier order by task_identifier`,
    [known],
  );
  return new Map(rows.map((r) => [r.task, r.jobs]));
}

/** `yeet_job_queue_unhandled{task}`: unhandledJobs() on every scrape of a worker. */
export function registerUnhandledJobsMetric(pool: pg.Pool, metrics: Metrics, known: readonly string[]): void {
  new Gauge({
    name: 'yeet_job_queue_unhandled',
    help: 'Jobs waiting for a task this worker has no handler for (renamed or removed); they never run here.',
    labelNames: ['task'],
    registers: [metrics.registry],
    async collect() {
      const counts = await unhandledJobs(pool, known).catch(() => new Map<string, number>());
      this.reset();
      for (const [task, jobs] of counts) this.set({ task }, jobs);
    },
  });
}

/**
 * `yeet_job_lag_seconds{task}`: from a job's enqueue (its row's created_at, in the enqueuing
 * write's transaction) to the end of the attempt that succeeds, retries and backoff included.
 * For search.index it is how long a write takes to become searchable (the search freshness SLO).
 * A job key's repeats collapse into the queued job, which keeps the first write's time.
 */
export function registerJobLagMetric(metrics: Metrics): Histogram<'task'> {
  return new Histogram({
    name: 'yeet_job_lag_seconds',
    help: 'Time from enqueuing a job to its successful end, by task.',
    labelNames: ['task'],
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600],
    registers: [metrics.registry],
  });
}
