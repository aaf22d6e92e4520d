import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { recipeInput } from '../support/recipes.ts';

let api: TestPlatform;
let worker: TestPlatform;
let db: pg.Client;

beforeAll(async () => {
  api = await startTestPlatform();
  worker = await startTestPlatform({ ROLE: 'worker' }, api.database);
  db = new pg.Client({ connectionString: api.database.url });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await worker?.stop();
  await api?.stop();
});

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the worker role', () => {
  it('serves probes and metrics but not the API', async () => {
    expect((await fetch(`${worker.baseUrl}/readyz`)).status).toBe(200);
    const res = await fetch(`${worker.baseUrl}/api/yeet.v1.RecipeService/ListRecipes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(404);
  });

  it('schedules rating reconciliation and repairs a summary that drifted', async () => {
    const author = api.recipes('alice', ['author']);
    const { recipe } = await author.createRecipe({ recipe: recipeInput() });
    const id = recipe!.id;
    await author.submitRecipe({ id });
    await api.recipes('erin', ['editor']).approveRecipe({ id });
    await api.recipes('uma').rateRecipe({ recipeId: id, stars: 4 });
    await api.recipes('vic').rateRecipe({ recipeId: id, stars: 2 });

    const cron = await db.query(`select identifier from graphile_worker._private_known_crontabs`);
    expect(cron.rows.map((r) => r.identifier)).toContain('ratings.reconcile');

    // Simulate drift: the summary forgets the ratings (as a cascade delete could).
    await db.query(`update recipes set rating_count = 0, rating_sum = 0 where id = $1`, [id]);
    await db.query(`select graphile_worker.add_job('ratings.reconcile')`);
    const repaired = await until(
      async () => (await db.query(`select rating_count, rating_sum from recipes where id = $1`, [id])).rows[0],
      (row) => row.rating_count === 2,
    );
    expect(repaired).toEqual({ rating_count: 2, rating_sum: 6 });
    const metrics = await (await fetch(`${worker.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/yeet_job_duration_seconds_count\{task="ratings.reconcile",outcome="ok"\} [1-9]/);
  });
});
