import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserStack, hydrated } from '../support/browser-stack.ts';
import { audit, chromiumPath, signUp, viewports } from '../support/browser.ts';

/**
 * The shopping list in a real browser on a phone (390×844) against the whole stack with the
 * demo recipes: add a recipe at chosen servings, read the list by aisle, tick, add by hand,
 * clear what is ticked — with axe on each page.
 */
const stack = browserStack('shopping', { context: { hasTouch: true, isMobile: true } });
const { cspViolations } = stack;
const newPage = stack.newPage;
let signedIn: Awaited<ReturnType<BrowserContext['storageState']>> | undefined;

const lineTexts = (page: Page) => page.locator('.shopping__line .shopping__what').allInnerTexts();

describe.skipIf(!chromiumPath)('the shopping list on a phone', () => {
  it('a visitor sees no shopping-list form on a recipe page', async () => {
    const page = await newPage();
    await page.goto(`${stack.t.baseUrl}/r/cacio-e-pepe`);
    await page.getByRole('heading', { name: 'Cacio e Pepe', level: 1 }).waitFor();
    expect(await page.getByRole('button', { name: 'Add to shopping list' }).count()).toBe(0);
  });

  it('adds a recipe at the servings chosen, groups by aisle, ticks, adds by hand and clears the ticked', async () => {
    const page = await newPage();
    await page.setViewportSize(viewports.desktop); // the header's links unfolded
    await page.goto(`${stack.t.baseUrl}/r/cacio-e-pepe`);
    await signUp(page, { name: 'Sam Shopper', email: 'sam@example.com', password: 'a long enough password' });
    await page.setViewportSize(viewports.mobile);
    await hydrated(page);

    // Cacio e Pepe serves 2: shop for 4
    const form = page.getByRole('form', { name: 'Add to shopping list' });
    await form.getByLabel('Servings to shop for').fill('4');
    await form.getByRole('button', { name: 'Add to shopping list' }).click();
    await form.getByRole('status').filter({ hasText: 'Added for 4' }).waitFor();
    expect(await audit(page, 'recipe-signed-in')).toEqual([]);
    await page.setViewportSize(viewports.mobile);

    // out of range: the field says why
    await form.getByLabel('Servings to shop for').fill('500');
    await form.getByRole('button', { name: 'Add to shopping list' }).click();
    await form.getByText(/Servings: .*between 1 and 100/).waitFor();

    await page.goto(`${stack.t.baseUrl}/shopping-list`);
    await hydrated(page);
    await page.getByRole('heading', { name: 'Shopping list', level: 1 }).waitFor();
    // polled: once, on a loaded machine, the page was reloaded right after it opened
    await expect
      .poll(() =>
        page
          .locator('.shopping__aisle h2')
          .allInnerTexts()
          .catch(() => []),
      )
      .toEqual(expect.arrayContaining(['Dairy & eggs', 'Pantry', 'Herbs & spices']));
    await hydrated(page);
    expect(await lineTexts(page)).toEqual(expect.arrayContaining(['400 g spaghetti or tonnarelli', '160 g Pecorino Romano']));
    expect(await page.getByText('for Cacio e Pepe').count()).toBeGreaterThan(0);

    // lines are big enough to hit with a thumb
    const box = await page.locator('.shopping__line').first().boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    expect(box!.width).toBeGreaterThan(300);
    const tick = await page.locator('.shopping__tick').first().boundingBox();
    expect(tick!.width).toBeGreaterThanOrEqual(24);

    // tick by tapping the words, not only the box
    await page.getByText('160 g Pecorino Romano').tap();
    const pecorino = page.getByRole('checkbox', { name: /Pecorino Romano/ });
    await expect.poll(() => pecorino.isChecked()).toBe(true);
    await page.getByRole('status').filter({ hasText: '1 ticked' }).waitFor();

    // add by hand; it merges with nothing and lands in its aisle
    await page.getByLabel('Add an item').fill('2 lemons');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('heading', { name: 'Fruit & vegetables' }).waitFor();
    expect(await audit(page, 'shopping-list')).toEqual([]);
    await page.setViewportSize(viewports.mobile);

    // the tick was saved: another load shows it
    await page.reload();
    await hydrated(page);
    await expect.poll(() => page.getByRole('checkbox', { name: /Pecorino Romano/ }).isChecked()).toBe(true);

    await page.getByRole('button', { name: /Clear ticked items/ }).click();
    await expect.poll(() => lineTexts(page)).not.toContain('160 g Pecorino Romano');
    expect(await lineTexts(page)).toContain('2 lemons');
    signedIn = await page.context().storageState();
  }, 120_000);

  it('works without JavaScript: add, tick and clear post forms, and other sites cannot post them', async () => {
    expect(signedIn).toBeDefined();
    const page = await newPage({ javaScriptEnabled: false, storageState: signedIn });
    await page.goto(`${stack.t.baseUrl}/shopping-list`);
    await page.getByLabel('Add an item').fill('kitchen roll');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.waitForURL(/\/shopping-list$/);
    expect(await lineTexts(page)).toContain('kitchen roll');

    await page.getByRole('button', { name: 'Tick kitchen roll' }).click();
    await page.waitForURL(/\/shopping-list$/);
    expect(await page.getByRole('checkbox', { name: /kitchen roll/ }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Untick kitchen roll' }).waitFor();

    await page.getByRole('button', { name: /Clear ticked items/ }).click();
    await page.waitForURL(/\/shopping-list$/);
    expect(await lineTexts(page)).not.toContain('kitchen roll');

    // a refused line says why, on the page (the field's problem, as with JavaScript)
    await page.getByLabel('Add an item').fill('   ');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText(/^Cannot be empty; say what to buy\.$/).waitFor();

    // a form on another site, with Sam's cookie, changes nothing
    const forged = await page.request.post(`${stack.t.baseUrl}/shopping-list`, {
      form: { action: 'add', text: 'forged item' },
      headers: { origin: 'https://evil.example' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    await page.reload();
    expect(await lineTexts(page)).not.toContain('forged item');
  }, 120_000);

  it('is for signed-in people: a visitor is sent to sign in', async () => {
    const page = await newPage();
    const visited: string[] = [];
    page.on('request', (r) => visited.push(r.url()));
    await page.goto(`${stack.t.baseUrl}/shopping-list`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(visited.some((url) => url.includes('/auth/login?returnTo=%2Fshopping-list'))).toBe(true);
  }, 60_000);

  it('no page broke the Content-Security-Policy', () => {
    expect(cspViolations).toEqual([]);
  });
});
