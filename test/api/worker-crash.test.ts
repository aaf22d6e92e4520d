import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '@yeet/db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { drained, eventually } from '../support/queue.ts';
import { recipeInput } from '../support/recipes.ts';

/**
 * Stopping a worker in the middle of a job loses nothing: SIGTERM lets the job finish
 * first; after SIGKILL the job stays on the queue, locked by the dead worker, and runs
 * again once its lock is released.
 */
const root = path.resolve(import.meta.dirname, '../..');
let api: TestPlatform;
let db: pg.Client;
let locker: pg.Client;
let child: ChildProcess | undefined;

beforeAll(async () => {
  api = await startTestPlatform();
  db = new pg.Client({ connectionString: api.database.url });
  locker = new pg.Client({ connectionString: api.database.url });
  await Promise.all([db.connect(), locker.connect()]);
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await locker?.end();
  await db?.end();
  await api?.stop();
});

async function startWorkerProcess(): Promise<ChildProcess> {
  const worker = spawn(process.execPath, [path.join(root, 'apps/server/src/main.ts'), 'start', '--role', 'worker'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: api.database.url, PORT: String(await freePort()), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  worker.stdout!.on('data', (d) => (output += d));
  worker.stderr!.on('data', (d) => (output += d));
  const ready = await eventually(async () => output.includes('worker is running'), 30_000, 50);
  if (!ready) throw new Error(`worker did not start:\n${output}`);
  return worker;
}

/** The recipe's index job (they carry no key: apps/api/src/stores/job.store.ts). */
const job = async (recipeId: string) =>
  (
    await db.query(
      `select j.attempts, j.locked_at, j.locked_by
       from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
       where t.identifier = 'search.index' and j.payload->>'recipeId' = $1`,
      [recipeId],
    )
  ).rows[0] as { attempts: number; locked_at: Date | null; locked_by: string | null } | undefined;

describe('a worker stopped mid-job with SIGTERM', () => {
  it('finishes the job before it exits', async () => {
    const author = api.recipes('alice', ['author']);
    const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'Patient Polenta' }) });
    const id = recipe!.id;
    await author.submitRecipe({ id });

    const worker = await startWorkerProcess();
    const exited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
    try {
      await drained(db);
      await locker.query('begin');
      await locker.query('lock table search_documents in exclusive mode');
      await api.recipes('erin', ['editor']).approveRecipe({ id });
      expect(await eventually(async () => (await job(id))?.locked_at != null)).toBe(true);

      worker.kill('SIGTERM');
      // Still draining: the job holds it open.
      await new Promise((r) => setTimeout(r, 500));
      expect(worker.exitCode).toBeNull();
      await locker.query('rollback');

      expect(await exited).toBe(0);
      expect(await job(id)).toBeUndefined();
      const indexed = await db.query('select title from search_documents where recipe_id = $1', [id]);
      expect(indexed.rows).toEqual([{ title: 'Patient Polenta' }]);
    } finally {
      await locker.query('rollback');
      worker.kill('SIGKILL');
    }
  }, 60_000);
});

describe('a worker killed mid-job', () => {
  it('leaves the job on the queue, and it runs again', async () => {
    const author = api.recipes('alice', ['author']);
    const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'Interrupted Risotto' }) });
    const id = recipe!.id;
    await author.submitRecipe({ id });

    child = await startWorkerProcess();
    await drained(db); // the jobs of create and submit
    // Hold the index table so the next index job blocks half-way through.
    await locker.query('begin');
    await locker.query('lock table search_documents in exclusive mode');
    await api.recipes('erin', ['editor']).approveRecipe({ id });
    expect(await eventually(async () => (await job(id))?.locked_at != null)).toBe(true);

    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    await locker.query('rollback');

    const orphaned = await job(id);
    expect(orphaned).toMatchObject({ attempts: 1 });
    expect(orphaned?.locked_by).not.toBeNull();

    // graphile-worker's stale-lock sweep frees locks older than four hours (then the search
    // reconciliation would already have repaired the index). Do what the sweep does, now.
    await db.query(
      `update graphile_worker._private_jobs j set locked_at = null, locked_by = null, run_at = greatest(run_at, now())
       from graphile_worker._private_tasks t
       where t.id = j.task_id and t.identifier = 'search.index' and j.payload->>'recipeId' = $1`,
      [id],
    );
    const worker = await startTestPlatform({ ROLE: 'worker' }, api.database);
    try {
      await drained(db);
      const indexed = await db.query('select title from search_documents where recipe_id = $1', [id]);
      expect(indexed.rows).toEqual([{ title: 'Interrupted Risotto' }]);
    } finally {
      await worker.stop();
    }
  }, 60_000);
});
