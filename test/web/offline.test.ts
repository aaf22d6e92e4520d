import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserStack, hydrated } from '../support/browser-stack.ts';
import { chromiumPath, signUp, viewports } from '../support/browser.ts';

/**
 * The service worker (apps/web/public/sw.js) in a real browser against the whole stack with
 * the demo recipes: a recipe opened once reads offline, one never opened gives the honest
 * offline page, and after signing out the shopping list is not served from what was kept.
 */
const stack = browserStack('offline');
const { cspViolations } = stack;
const newPage = stack.newPage;

/** Resolves once the service worker controls the page and has kept `path` (the first page loads before it exists). */
async function kept(page: Page, path: string): Promise<void> {
  const probe = `(async () => {
    if (!navigator.serviceWorker.controller) return false;
    for (const name of await caches.keys())
      if (await (await caches.open(name)).match(location.origin + ${JSON.stringify(path)})) return true;
    return false;
  })()`;
  for (let i = 0; i < 150; i++) {
    if (await page.evaluate(probe)) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`the service worker did not keep ${path} within 15 s`);
}

const cacheNames = (page: Page): Promise<string[]> => page.evaluate('caches.keys()');

describe.skipIf(!chromiumPath)('offline reading', () => {
  it('serves the worker with a policy that lets it fetch this site, and pages allow it', async () => {
    const worker = await fetch(`${stack.t.baseUrl}/sw.js`);
    expect(worker.status).toBe(200);
    expect(worker.headers.get('content-type')).toMatch(/javascript/);
    expect(worker.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(worker.headers.get('cache-control')).toBe('no-cache');
    const page = await fetch(`${stack.t.baseUrl}/r/cacio-e-pepe`);
    expect(page.headers.get('content-security-policy')).toMatch(/worker-src 'self'/);
  });

  it('keeps a recipe the person opened; a recipe never opened is the offline page', async () => {
    const page = await newPage();
    await page.goto(`${stack.t.baseUrl}/r/cacio-e-pepe`);
    await page.getByRole('heading', { name: 'Cacio e Pepe', level: 1 }).waitFor();
    await kept(page, '/r/cacio-e-pepe');
    // the page's build files too: the worker kept what the first page loaded before it existed
    const names = await cacheNames(page);
    expect(names).toEqual(expect.arrayContaining(['eoy-assets-v1', 'eoy-pages-v1', 'eoy-shell-v1']));

    await page.context().setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: 'Cacio e Pepe', level: 1 }).waitFor();
    // the ingredients are there to cook from, styled (the stylesheet came from the cache)
    expect(await page.getByText('Pecorino Romano').count()).toBeGreaterThan(0);
    expect(await page.evaluate('getComputedStyle(document.body).display')).toBe('flex');
    // the kept build files hydrate it, and the calls that fail offline do not replace it with an error
    await hydrated(page);
    await page.waitForTimeout(2_000);
    expect(await page.getByRole('heading', { name: 'Cacio e Pepe', level: 1 }).count()).toBe(1);
    expect(await page.getByText('Pecorino Romano').count()).toBeGreaterThan(0);
    // the same recipe at other servings is the same kept page
    await page.goto(`${stack.t.baseUrl}/r/cacio-e-pepe?servings=4`);
    await page.getByRole('heading', { name: 'Cacio e Pepe', level: 1 }).waitFor();

    await page.goto(`${stack.t.baseUrl}/r/pina-colada`);
    await page.getByRole('heading', { name: 'You are offline' }).waitFor();
    expect(await page.title()).toBe('Offline — Eat or Yeet');
    await page.context().setOffline(false);

    // back online, pages come from the network again
    await page.goto(`${stack.t.baseUrl}/r/pina-colada`);
    await page.getByRole('heading', { name: /Piña Colada|Pina Colada/i, level: 1 }).waitFor();
    expect(cspViolations).toEqual([]);
  }, 120_000);

  it("keeps the person's shopping list offline, and not after they sign out", async () => {
    const page = await newPage();
    await page.setViewportSize(viewports.desktop); // the header's links unfolded
    await page.goto(`${stack.t.baseUrl}/r/cacio-e-pepe`);
    await signUp(page, { name: 'Olive Offline', email: 'olive@example.com', password: 'a long enough password' });
    const form = page.getByRole('form', { name: 'Add to shopping list' });
    await form.getByRole('button', { name: 'Add to shopping list' }).click();
    await form.getByRole('status').waitFor();

    await page.goto(`${stack.t.baseUrl}/shopping-list`);
    await page.getByRole('heading', { name: 'Shopping list', level: 1 }).waitFor();
    await kept(page, '/shopping-list');
    // a signed-in page is kept apart from the anonymous ones
    expect(await cacheNames(page)).toContain('eoy-private-v1');

    await page.context().setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: 'Shopping list', level: 1 }).waitFor();
    await hydrated(page);
    await page.waitForTimeout(2_000);
    expect(await page.getByText(/Pecorino Romano/).count()).toBeGreaterThan(0);
    await page.context().setOffline(false);

    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sign out' }).click();
    // the built-in issuer asks to confirm signing out there too
    const confirm = page.locator('#sign-out');
    await confirm.waitFor({ timeout: 5_000 }).then(
      () => confirm.click(),
      () => undefined,
    );
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' }).waitFor();
    expect(await cacheNames(page)).not.toContain('eoy-private-v1');

    await page.context().setOffline(true);
    await page.goto(`${stack.t.baseUrl}/shopping-list`);
    await page.getByRole('heading', { name: 'You are offline' }).waitFor();
    expect(await page.getByText(/Pecorino Romano/).count()).toBe(0);
    await page.context().setOffline(false);
    expect(cspViolations).toEqual([]);
  }, 120_000);
});
