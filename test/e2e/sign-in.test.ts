import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchBrowser } from '../support/browser.ts';
import { watchContentSecurityPolicy } from '../support/csp.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * In a real browser against the real stack (`--role all`, built-in issuer): sign up, sign
 * out, sign in, write a draft, sign out.
 */
let t: TestPlatform;
let browser: Browser;

beforeAll(async () => {
  if (!chromiumPath) return;
  t = await startTestPlatform({
    ROLE: 'all',
    SESSION_SECRET: 'e2e-session-secret-long-enough-0123456789abcdef',
    DEV_AUTH: 'false',
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const header = (page: Page) => page.getByRole('navigation', { name: 'Main' });

describe.skipIf(!chromiumPath)('signing in with the built-in issuer', () => {
  it('sign up, sign out, sign in, write a draft, sign out', async () => {
    const context = await browser.newContext();
    // the issuer's pages (sign-up, sign-in, sign-out) and the app's, under their policies
    const cspViolations: string[] = [];
    await watchContentSecurityPolicy(context, cspViolations);
    const page = await context.newPage();
    await page.goto(`${t.baseUrl}/`);

    // Sign up from the header; the issuer's page explains a bad password, then accepts a good one.
    await header(page).getByRole('link', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    await page.getByLabel('Name to show').fill('Ada Lovelace');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('use at least 10 characters').waitFor();
    await page.getByLabel('Password').fill('analytical engines run on recipes');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(`${t.baseUrl}/`);
    await header(page)
      .getByRole('link', { name: /Ada Lovelace/ })
      .waitFor();

    // The session lives in an httpOnly cookie, out of reach of page scripts.
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'yeet_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(await page.evaluate('document.cookie')).not.toContain('yeet_session');

    // Sign out, then sign in again with the same account.
    await header(page).getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${t.baseUrl}/`);
    await header(page).getByRole('link', { name: 'Sign in' }).waitFor();
    await header(page).getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('not her password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('The email or password is incorrect.');
    await page.getByLabel('Password').fill('analytical engines run on recipes');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${t.baseUrl}/`);

    // Write a draft.
    await header(page).getByRole('link', { name: 'New recipe' }).click();
    await page.waitForURL(`${t.baseUrl}/new`);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Fix the fields marked below');
    await page.getByLabel('Title').fill('Difference Engine Flapjacks');
    await page.getByLabel('Summary').fill('Oaty, chewy and calculated to perfection.');
    await page.getByLabel(/^Ingredients/).fill('250 g rolled oats\n125 g butter\n100 g golden syrup\n1 pinch salt');
    await page
      .getByLabel(/^Method/)
      .fill('Melt the butter with the syrup.\nStir in the oats and salt.\nBake at 180°C for 20 minutes.');
    await page.getByLabel('Difficulty').selectOption({ label: 'Easy' });
    await page.getByLabel('Snack').check();
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/\/r\/difference-engine-flapjacks\/edit\?created=1/);
    await page.getByText('Draft saved.').waitFor();
    await header(page).getByRole('link', { name: 'My recipes' }).click();
    await page.waitForURL(/\/me\/recipes$/);
    const mine = page.getByRole('list', { name: 'My recipes' });
    await mine.getByText('Difference Engine Flapjacks').waitFor();
    await mine.getByText('Draft', { exact: true }).waitFor();

    // Sign out for good: the API no longer knows us.
    await header(page).getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${t.baseUrl}/`);
    await header(page).getByRole('link', { name: 'Sign in' }).waitFor();
    expect((await context.cookies()).find((c) => c.name === 'yeet_session')).toBeUndefined();
    expect(cspViolations).toEqual([]);
    await context.close();
  }, 60_000);
});
