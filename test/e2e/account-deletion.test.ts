import pg from 'pg';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchBrowser, signUp } from '../support/browser.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/** In a real browser: download one's data, then delete the account from the account page. */
let t: TestPlatform;
let browser: Browser;

beforeAll(async () => {
  if (!chromiumPath) return;
  t = await startTestPlatform({
    ROLE: 'all',
    SESSION_SECRET: 'e2e-deletion-secret-long-enough-0123456789abcdef',
    DEV_AUTH: 'false',
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe.skipIf(!chromiumPath)('the account page', () => {
  // The archive is built by the worker in the same process: more than the default 20 s on a busy machine.
  it('downloads the data, then deletes the account after a typed confirmation and signs out', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${t.baseUrl}/`);
    // The first account is the last admin, who may not leave: a second person does.
    await signUp(page, { name: 'First Admin', email: 'first@example.com', password: 'a long enough password' });
    await context.clearCookies();
    await page.goto(`${t.baseUrl}/`);
    await signUp(page, { name: 'Gone Tomorrow', email: 'gone@example.com', password: 'a long enough password' });
    await page.goto(`${t.baseUrl}/account`);

    // The archive is prepared by the worker; the page says when it is ready.
    await page.getByRole('button', { name: 'Download my data' }).click();
    await page.getByRole('link', { name: 'download your data' }).waitFor({ timeout: 30_000 });
    const [archive] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'download your data' }).click(),
    ]);
    expect(archive.suggestedFilename()).toMatch(/^eat-or-yeet-data-.*\.tar\.gz$/);
    // The JSON alone, at once, for a small account.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Just the JSON, now' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^eat-or-yeet-data-.*\.json$/);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(JSON.parse(Buffer.concat(chunks).toString('utf8')).profile.email).toBe('gone@example.com');

    const remove = page.getByRole('button', { name: 'Delete my account' });
    expect(await remove.isDisabled()).toBe(true);
    await page.getByLabel('Type DELETE to confirm').fill('DELETE');
    expect(await remove.isDisabled()).toBe(true);
    await page.getByLabel('Your password, to confirm it is you').fill('a long enough password');
    await remove.click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Create account' }).waitFor();
    const db = new pg.Client({ connectionString: t.database.url });
    await db.connect();
    const left = await db.query(
      `select (select count(*)::int from accounts where email = 'gone@example.com') as accounts,
              (select count(*)::int from users where display_name = 'Gone Tomorrow') as users`,
    );
    await db.end();
    expect(left.rows[0]).toEqual({ accounts: 0, users: 0 });
    await context.close();
  });

  it('lets an admin delete someone else’s account from the people page, after saying what happens', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${t.baseUrl}/`);
    await signUp(page, { name: 'Leaving Soon', email: 'leaving@example.com', password: 'a long enough password' });
    await context.clearCookies();
    await page.goto(`${t.baseUrl}/`);
    const header = page.getByRole('navigation', { name: 'Main' });
    await header.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill('first@example.com');
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${t.baseUrl}/`);
    await page.goto(`${t.baseUrl}/admin/users`);
    const row = page.getByRole('row', { name: /Leaving Soon/ });
    let said = '';
    page.once('dialog', (dialog) => {
      said = dialog.message();
      void dialog.accept();
    });
    await row.getByRole('button', { name: /Delete account/ }).click();
    await row.waitFor({ state: 'detached' });
    expect(said).toContain('“a former member”');
    await context.close();
  });
});
