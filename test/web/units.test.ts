import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserStack, hydrated } from '../support/browser-stack.ts';
import { chromiumPath } from '../support/browser.ts';

/**
 * The recipe page's quantities scaled in sensible units and shown as written, metric or US:
 * Cacio e Pepe (2 servings: 200 g pasta, 80 g pecorino, 2 tsp pepper) in a real browser, the
 * reader's choice kept in the browser, and the same without JavaScript through ?units=.
 */
const stack = browserStack('units', { context: { serviceWorkers: 'block' } });

const amounts = async (page: Page) =>
  (await page.locator('.ingredients__section li').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
const pressed = (page: Page) => page.locator('.units [aria-pressed="true"]').textContent();

describe.skipIf(!chromiumPath)('units and servings on the recipe page', () => {
  it('scales to the unit a cook would use, and says from what to what', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.t.baseUrl}/r/cacio-e-pepe?servings=12`);
    expect(await amounts(page)).toEqual([
      '1.2 kg spaghetti or tonnarelli',
      '480 g Pecorino Romano, very finely grated',
      '4 tbsp black peppercorns, freshly cracked',
      'salt, for the pasta water',
    ]);
    await page.goto(`${stack.t.baseUrl}/r/cacio-e-pepe?servings=1`);
    await page.getByText('Quantities scaled from 2 to 1 serving.').waitFor();
    expect((await amounts(page)).slice(0, 3)).toEqual([
      '100 g spaghetti or tonnarelli',
      '40 g Pecorino Romano, very finely grated',
      '1 tsp black peppercorns, freshly cracked',
    ]);
  });

  it('converts to US units when the reader asks, and remembers it on the next recipe page', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.t.baseUrl}/r/cacio-e-pepe?servings=12`);
    await hydrated(page);
    expect(await pressed(page)).toBe('As written');
    await page.getByRole('button', { name: 'US' }).click();
    await expect.poll(() => pressed(page)).toBe('US');
    expect((await amounts(page)).slice(0, 3)).toEqual([
      '2.6 lbs spaghetti or tonnarelli',
      '1.1 lbs Pecorino Romano, very finely grated',
      '¼ cup black peppercorns, freshly cracked',
    ]);
    expect(page.url()).not.toContain('units=');

    await page.goto(`${stack.t.baseUrl}/r/cacio-e-pepe`);
    await hydrated(page);
    await expect.poll(() => pressed(page)).toBe('US');
    expect((await amounts(page)).slice(0, 3)).toEqual([
      '7.1 oz spaghetti or tonnarelli',
      '2.8 oz Pecorino Romano, very finely grated',
      '2 tsp black peppercorns, freshly cracked',
    ]);
    // the server never renders one reader's choice: the page everyone shares is as written
    const html = await (await fetch(`${stack.t.baseUrl}/r/cacio-e-pepe`)).text();
    expect(html.replaceAll('<!-- -->', '')).toContain('200</strong> g spaghetti');

    await page.getByRole('button', { name: 'As written' }).click();
    await expect.poll(() => pressed(page)).toBe('As written');
    expect((await amounts(page))[0]).toBe('200 g spaghetti or tonnarelli');
  });

  it('keeps the units of a link (?units=) for the visit when the servings change, without storing them', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.t.baseUrl}/r/cacio-e-pepe?units=imperial`);
    await hydrated(page);
    expect(await pressed(page)).toBe('US');
    await page.getByRole('button', { name: /More servings/ }).click();
    await page.waitForURL(/servings=3/);
    await expect.poll(async () => (await amounts(page))[0]).toBe('10.6 oz spaghetti or tonnarelli');
    expect(await pressed(page)).toBe('US');
    expect(await page.evaluate('localStorage.getItem("yeet-units")')).toBeNull();
  });

  it('works without JavaScript: ?units= and ?servings= carried by each other’s forms', async () => {
    const page = await stack.newPage({ javaScriptEnabled: false });
    await page.goto(`${stack.t.baseUrl}/r/cacio-e-pepe`);
    await page.getByRole('button', { name: 'US' }).click();
    await page.waitForURL(/units=imperial/);
    expect(await pressed(page)).toBe('US');
    expect((await amounts(page))[0]).toBe('7.1 oz spaghetti or tonnarelli');
    await page.getByRole('button', { name: /More servings/ }).click();
    await page.waitForURL(/servings=3/);
    expect(page.url()).toContain('units=imperial');
    expect((await amounts(page))[0]).toBe('10.6 oz spaghetti or tonnarelli');
    await page.getByRole('button', { name: 'Metric' }).click();
    await page.waitForURL(/units=metric/);
    expect(page.url()).toContain('servings=3');
    expect((await amounts(page))[0]).toBe('300 g spaghetti or tonnarelli');
  });
});
