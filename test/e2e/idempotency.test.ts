import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchBrowser, pageTimeoutMs, signUp } from '../support/browser.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * The web app's forms send an Idempotency-Key (docs/decisions/0017-idempotency-keys.md): when
 * the answer to a saved form is lost on the way back, saving again gets the first answer
 * instead of a second recipe.
 */
let t: TestPlatform;
let browser: Browser;
let db: pg.Client;

beforeAll(async () => {
  if (!chromiumPath) return;
  t = await startTestPlatform({ ROLE: 'all', SESSION_SECRET: 'e2e-idempotency-session-secret-0123456789ab', DEV_AUTH: 'false' });
  browser = await launchBrowser();
  db = new pg.Client({ connectionString: t.database.url });
  await db.connect();
}, 180_000);
afterAll(async () => {
  await db?.end();
  await browser?.close();
  await t?.stop();
});

async function signedIn(name: string, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(pageTimeoutMs);
  await page.goto(`${t.baseUrl}/`);
  await signUp(page, { name, email, password: 'a long and careful passphrase' });
  return page;
}

describe.skipIf(!chromiumPath)('forms and lost answers', () => {
  it('saving a new recipe again after its answer was lost creates one recipe', async () => {
    await signedIn('Erin Admin', 'erin@example.com'); // the first account is the admin
    const author = await signedIn('Ada Author', 'ada@example.com');
    const keys: Array<string | null> = [];
    let lose = true;
    await author.route('**/api/yeet.v1.RecipeService/CreateRecipe', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? null);
      if (!lose) return route.continue();
      lose = false;
      await route.fetch(); // the server saves the recipe; its answer never reaches the page
      await route.abort('connectionreset');
    });
    await author.goto(`${t.baseUrl}/new`);
    await author.getByLabel('Title').fill('Lost Answer Laksa');
    await author.getByRole('button', { name: 'Save draft' }).click();
    await author.getByRole('alert').waitFor();
    await author.getByRole('button', { name: 'Save draft' }).click();
    await author.waitForURL(/\/r\/lost-answer-laksa\/edit\?created=1/);

    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(keys[1]).toBe(keys[0]);
    const { rows } = await db.query(`select count(*)::int as n from recipes where title = 'Lost Answer Laksa'`);
    expect(rows[0].n).toBe(1);
  });
});
