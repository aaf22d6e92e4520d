import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { drained } from '../support/queue.ts';
import { recipeInput } from '../support/recipes.ts';

/**
 * Visitors who are not signed in share server-rendered pages for a few seconds; a change
 * that reaches the search index (publishing, edits, ratings) drops them at once.
 */
let t: TestPlatform;
let slug: string;
let id: string;

beforeAll(async () => {
  t = await startTestPlatform({
    ROLE: 'all',
    SESSION_SECRET: 'page-cache-test-session-secret-0123456789',
    PAGE_CACHE_TTL_MS: '60000',
  });
  const author = t.recipes('alice', ['author']);
  const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'Cached Carbonara' }) });
  await author.submitRecipe({ id: recipe!.id });
  await t.recipes('erin', ['editor']).approveRecipe({ id: recipe!.id });
  slug = recipe!.slug;
  id = recipe!.id;
  // let the approval's index job (and the change notice it sends) pass before measuring
  const db = new pg.Client({ connectionString: t.database.url });
  await db.connect();
  await drained(db);
  await db.end();
  await new Promise((r) => setTimeout(r, 200));
});
afterAll(() => t?.stop());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${t.baseUrl}${path}`, { headers });

describe('the page cache', () => {
  it('renders a page once for visitors, then answers from memory', async () => {
    const first = await get(`/r/${slug}`);
    const second = await get(`/r/${slug}`);
    expect(first.headers.get('x-page-cache')).toBe('miss');
    expect(second.headers.get('x-page-cache')).toBe('hit');
    expect(await second.text()).toBe(await first.text());
  });

  // (a browser running the app shares pages rendered for no one: test/web/signed-in-cache.test.ts)
  it('never serves or keeps pages rendered for a signed-in person', async () => {
    const res = await get(`/r/${slug}`, { cookie: 'yeet_session=not-a-real-session' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-page-cache')).toBeNull();
  });

  it('does not keep error pages', async () => {
    expect((await get('/r/no-such-recipe')).status).toBe(404);
    expect((await get('/r/no-such-recipe')).headers.get('x-page-cache')).toBe('miss');
  });

  it('drops pages as soon as a change reaches the search index', async () => {
    await get(`/r/${slug}`);
    expect((await get(`/r/${slug}`)).headers.get('x-page-cache')).toBe('hit');
    await t.recipes('bob').rateRecipe({ recipeId: id, stars: 4 });
    // the index job runs in the worker of this `--role all` process, then announces the change
    await expect
      .poll(async () => (await get(`/r/${slug}`)).headers.get('x-page-cache'), { timeout: 10_000, interval: 100 })
      .toBe('miss');
    expect(await (await get(`/r/${slug}`)).text()).toContain('4.0 out of 5 (1 rating)');
  });
});
