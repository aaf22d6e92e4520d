import {
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type SpanOptions,
  type SpanStatus,
  type Tracer,
} from '@opentelemetry/api';
import type { JobCatalogue } from '@yeet/api';
import { connectDatabase, type DatabaseHandle } from '@yeet/db';
import { createMetrics, type Metrics } from '@yeet/platform';
import { startWorker, type WorkerHandle } from '@yeet/worker';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LogLine, captureLogs } from '../support/logs.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { drained, eventually } from '../support/queue.ts';
import { recipeInput } from '../support/recipes.ts';

/**
 * The worker started directly (not through a platform), with its log lines, metrics and
 * spans in reach, next to an API on this file's own database.
 */
interface RecordedSpan {
  name: string;
  kind: SpanKind | undefined;
  attributes: Attributes;
  status?: SpanStatus;
}
const spans: RecordedSpan[] = [];

/** Records what the code under test asks of a tracer; the real SDK is not a dependency. */
const recordingTracer: Tracer = {
  startSpan(name: string, options: SpanOptions = {}): Span {
    const recorded: RecordedSpan = { name, kind: options.kind, attributes: { ...options.attributes } };
    spans.push(recorded);
    const span: Span = {
      spanContext: () => ({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 }),
      setAttribute(key, value) {
        recorded.attributes[key] = value;
        return span;
      },
      setAttributes(attributes) {
        Object.assign(recorded.attributes, attributes);
        return span;
      },
      addEvent: () => span,
      addLink: () => span,
      addLinks: () => span,
      setStatus(status) {
        recorded.status = status;
        return span;
      },
      updateName(newName) {
        recorded.name = newName;
        return span;
      },
      end: () => {},
      isRecording: () => true,
      recordException: () => {},
    };
    return span;
  },
  startActiveSpan(name: string, ...rest: unknown[]) {
    const fn = rest.at(-1) as (span: Span) => unknown;
    const options = (rest.length > 1 ? rest[0] : {}) as SpanOptions;
    return fn(recordingTracer.startSpan(name, options));
  },
} as Tracer;

let api: TestPlatform;
let database: DatabaseHandle;
let pool: pg.Pool;
let catalogue: JobCatalogue;
let worker: WorkerHandle | undefined;

beforeAll(async () => {
  trace.setGlobalTracerProvider({ getTracer: () => recordingTracer });
  api = await startTestPlatform();
  database = connectDatabase(api.database.url, { poolMax: 4 });
  pool = database.pool;
  catalogue = api.platform.api!.jobs;
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});
afterAll(async () => {
  await database?.close();
  await api?.stop();
  trace.disable();
});

async function start(jobs: JobCatalogue = catalogue): Promise<{ lines: LogLine[]; metrics: Metrics }> {
  const { logger, lines } = captureLogs('debug');
  const metrics = createMetrics({ defaultMetrics: false });
  worker = await startWorker({ pool, catalogue: jobs, logger, metrics, concurrency: 1 });
  return { lines, metrics };
}

const addJob = async (task: string, payload: object = {}) =>
  String((await pool.query(`select id from graphile_worker.add_job($1, $2::json)`, [task, JSON.stringify(payload)])).rows[0].id);

describe('the task registry at start', () => {
  it('refuses to start when a schedule names a task without a handler', async () => {
    const renamed = {
      ...catalogue,
      schedules: [{ task: 'search.reconcile-all', cron: '*/5 * * * *' }],
    } as unknown as JobCatalogue;
    await expect(start(renamed)).rejects.toThrow('schedule "*/5 * * * *" names unknown task "search.reconcile-all"');
  });

  it('names queued jobs whose task has no handler, counts them, and leaves them queued', async () => {
    const id = await addJob('search.reindex', { recipeId: '00000000-0000-4000-8000-000000000000' });
    const { lines, metrics } = await start();

    const report = lines.find(
      (l) => l.level === 'error' && l.msg.startsWith('queued jobs name tasks this worker has no handler for'),
    );
    expect(report?.unhandled).toEqual({ 'search.reindex': 1 });
    expect(await metrics.registry.getSingleMetricAsString('yeet_job_queue_unhandled')).toContain(
      'yeet_job_queue_unhandled{task="search.reindex"} 1',
    );
    const job = await pool.query(`select attempts, locked_at from graphile_worker.jobs where id = $1`, [id]);
    expect(job.rows).toEqual([{ attempts: 0, locked_at: null }]);

    await pool.query(`select graphile_worker.complete_jobs(array[$1::bigint])`, [id]);
    expect(await metrics.registry.getSingleMetricAsString('yeet_job_queue_unhandled')).not.toContain('search.reindex');
  });
});

describe('a job', () => {
  it('runs in a consumer span named for its task, and its log lines name the task and the job', async () => {
    const author = api.recipes('alice', ['author']);
    const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'Observed Gazpacho' }) });
    await author.submitRecipe({ id: recipe!.id });
    await api.recipes('erin', ['editor']).approveRecipe({ id: recipe!.id });
    const { lines, metrics } = await start();
    await drained(pool);
    // Drift for the reconciliation to repair, and say so in its log.
    await pool.query('delete from search_documents where recipe_id = $1', [recipe!.id]);
    const id = await addJob('search.reconcile');
    await drained(pool, 'search.reconcile');

    expect(spans.find((s) => s.name === 'search.reconcile')).toEqual({
      name: 'search.reconcile',
      kind: SpanKind.CONSUMER,
      attributes: expect.objectContaining({
        'messaging.system': 'graphile_worker',
        'messaging.message.id': id,
        'yeet.job.attempt': 1,
      }),
    });
    expect(lines.find((l) => l.msg === 'repaired search index entries that had drifted')).toMatchObject({
      task: 'search.reconcile',
      jobId: id,
      attempt: 1,
      indexed: 1,
    });
    expect(await metrics.registry.getSingleMetricAsString('yeet_job_duration_seconds')).toMatch(
      /yeet_job_duration_seconds_count\{task="search.reconcile",outcome="ok"\} 1/,
    );
  });

  it('with a stale payload fails its attempt, in a failed span, logged with its task and job id, and is retried later', async () => {
    const { lines, metrics } = await start();
    const id = await addJob('search.index', { recipe: 'from an older release' });

    // attempts counts up when a worker takes the job; the failure is written when it gives it back.
    const failed = await eventually(
      async () =>
        (await pool.query(`select 1 from graphile_worker.jobs where id = $1 and last_error is not null`, [id])).rowCount === 1,
    );
    expect(failed).toBe(true);
    const job = await pool.query(
      `select attempts, last_error, run_at > now() as later, locked_at from graphile_worker.jobs where id = $1`,
      [id],
    );
    expect(job.rows[0]).toMatchObject({ attempts: 1, later: true, locked_at: null });
    expect(job.rows[0].last_error).toContain('payload has no recipeId');

    const ofJob = lines.filter((l) => l.jobId === id);
    expect(ofJob).toEqual([
      expect.objectContaining({
        level: 'error',
        task: 'search.index',
        attempt: 1,
        err: expect.objectContaining({ message: expect.stringContaining('payload has no recipeId') }),
      }),
      expect.objectContaining({
        level: 'warn',
        task: 'search.index',
        attempt: 1,
        msg: 'job search.index failed; it will be retried',
      }),
    ]);
    const span = spans.find((s) => s.name === 'search.index' && s.attributes['messaging.message.id'] === id);
    expect(span?.status?.code).toBe(SpanStatusCode.ERROR);
    expect(await metrics.registry.getSingleMetricAsString('yeet_job_duration_seconds')).toMatch(
      /yeet_job_duration_seconds_count\{task="search.index",outcome="error"\} 1/,
    );
  });

  it('with an id that is not a UUID fails on entry, not in SQL', async () => {
    await start();
    const id = await addJob('images.process', { imageId: 'IMG_0042.jpg' });
    const failed = await eventually(
      async () =>
        (await pool.query(`select 1 from graphile_worker.jobs where id = $1 and last_error is not null`, [id])).rowCount === 1,
    );
    expect(failed).toBe(true);
    const job = await pool.query(`select last_error from graphile_worker.jobs where id = $1`, [id]);
    expect(job.rows[0].last_error).toBe('payload has no imageId (a UUID): {"imageId":"IMG_0042.jpg"}');
  });
});
