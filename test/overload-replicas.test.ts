import { freePort } from '@yeet/db';
import { createLogger, loadConfig } from '@yeet/platform';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '../apps/server/src/platform.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { drained } from './support/queue.ts';
import { recipeInput } from './support/recipes.ts';

/**
 * Visitor pages cached by a web-only replica (`--role web`) agree with the API's data across
 * processes: given DATABASE_URL, the replica hears the index's change notices and drops its
 * pages at once; without it, its pages live out PAGE_CACHE_TTL_MS (the documented bound).
 */
const sessionSecret = 'overload-replicas-session-secret-0123456789';
let api: TestPlatform;
let listening: TestPlatform;
let deaf: RunningPlatform;
let slug: string;
let id: string;

beforeAll(async () => {
  api = await startTestPlatform({ ROLE: 'all', SESSION_SECRET: sessionSecret });
  // the web replica on the same database (startTestPlatform passes its DATABASE_URL)
  listening = await startTestPlatform(
    { ROLE: 'web', API_URL: api.baseUrl, SESSION_SECRET: sessionSecret, PAGE_CACHE_TTL_MS: '60000' },
    api.database,
  );
  const port = await freePort();
  deaf = await startPlatform(
    loadConfig({
      ROLE: 'web',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      API_URL: api.baseUrl,
      SESSION_SECRET: sessionSecret,
      PAGE_CACHE_TTL_MS: '60000',
    }),
    createLogger({ level: 'silent' }),
  );
  const author = api.recipes('alice', ['author']);
  const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'Replicated Risotto' }) });
  await author.submitRecipe({ id: recipe!.id });
  await api.recipes('erin', ['editor']).approveRecipe({ id: recipe!.id });
  slug = recipe!.slug;
  id = recipe!.id;
  const db = new pg.Client({ connectionString: api.database.url });
  await db.connect();
  await drained(db);
  await db.end();
  await new Promise((r) => setTimeout(r, 300));
});
afterAll(async () => {
  await deaf?.stop();
  await listening?.stop();
  await api?.stop();
});

const page = (base: string) => fetch(`${base}/r/${slug}`);

describe('visitor pages on a web-only replica', () => {
  it('are dropped as soon as a change reaches the index, when the replica has DATABASE_URL', async () => {
    await page(listening.baseUrl);
    await page(deaf.url);
    expect((await page(listening.baseUrl)).headers.get('x-page-cache')).toBe('hit');
    expect((await page(deaf.url)).headers.get('x-page-cache')).toBe('hit');

    await api.recipes('bob').rateRecipe({ recipeId: id, stars: 5 });
    // the rating's index job runs in the API process's worker, which announces the change
    await expect
      .poll(async () => (await page(listening.baseUrl)).headers.get('x-page-cache'), { timeout: 10_000, interval: 100 })
      .toBe('miss');
    expect(await (await page(listening.baseUrl)).text()).toContain('5.0 out of 5 (1 rating)');

    // without DATABASE_URL the replica hears nothing: its page is the old one until it expires
    const stale = await page(deaf.url);
    expect(stale.headers.get('x-page-cache')).toBe('hit');
    expect(await stale.text()).not.toContain('(1 rating)');
  });
});
