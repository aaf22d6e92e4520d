import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserStack, hydrated } from '../support/browser-stack.ts';
import { audit, chromiumPath, signUp, viewports } from '../support/browser.ts';
import { eventually } from '../support/queue.ts';

/**
 * Planning a week on a phone (390×844), in a real browser against the whole stack with the demo
 * recipes: "Plan this" from a recipe, a recipe found on the plan page, servings, moving,
 * removing, the week onto the shopping list, and the calendar link made and turned off.
 * axe-core checks the plan page; the recipe page a visitor gets has no trace of the plan.
 */
const stack = browserStack('e2e-meal-plan', {
  env: { DATA_DIR: `/tmp/yeet-e2e-meal-plan-${process.pid}` },
  context: { locale: 'en-US' },
  timeoutMs: 20_000,
});
const { cspViolations } = stack;
const newPage = stack.newPage;

const overflow = (page: Page) => page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
const day = (page: Page, name: RegExp) => page.getByRole('region', { name });

describe.skipIf(!chromiumPath)('planning a week on a phone', () => {
  it('plans, changes and shops a week, and shares it with a calendar app', async () => {
    const visitor = await newPage();
    await visitor.goto(`${stack.t.baseUrl}/r/cacio-e-pepe`);
    await visitor.getByRole('heading', { name: 'Cacio e Pepe' }).waitFor();
    expect(await visitor.getByText('Plan this').count()).toBe(0);

    const page = await newPage();
    // the header's links sit in a menu on a phone: sign up on a wide screen, then plan on the phone
    await page.setViewportSize(viewports.desktop);
    await page.goto(`${stack.t.baseUrl}/`);
    await signUp(page, { name: 'Pat Planner', email: 'pat@example.com', password: 'a long enough passphrase' });
    await page.setViewportSize(viewports.mobile);

    // "Plan this" from a recipe: today, dinner, at the recipe's servings
    await page.goto(`${stack.t.baseUrl}/r/cacio-e-pepe`);
    await hydrated(page);
    await page.getByText('Plan this').click();
    await page.getByRole('form', { name: 'Plan this recipe' }).getByLabel('Meal').selectOption('dinner');
    await page.getByRole('button', { name: /^Plan for 2 servings$/ }).click();
    await page.getByRole('status').filter({ hasText: 'Planned for' }).waitFor();

    await page.getByRole('link', { name: 'See your meal plan' }).click();
    await page.getByRole('heading', { name: 'Meal plan', level: 1 }).waitFor();
    await hydrated(page);
    const entries = page.locator('.plan__entry');
    await expect.poll(() => entries.count(), { timeout: 15_000 }).toBe(1);
    expect(await entries.first().textContent()).toContain('Cacio e Pepe');

    // a recipe found on the plan page, for lunch on the week's first day, at 3 servings
    await page.getByLabel('Find a recipe').fill('ratatouille');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('button', { name: 'Provençal Ratatouille' }).click();
    const add = page.locator('.plan__add-form');
    const firstDay = await add.getByLabel('Day').locator('option').first().textContent();
    expect(firstDay).toMatch(/^Sunday /);
    await add.getByLabel('Meal').selectOption('lunch');
    await add.getByLabel('Servings').fill('3');
    await add.getByRole('button', { name: 'Add to plan' }).click();
    await expect.poll(() => entries.count(), { timeout: 15_000 }).toBe(2);
    const ratatouille = page.locator('.plan__entry', { hasText: 'Provençal Ratatouille' });
    expect(await day(page, new RegExp(`^${firstDay}$`)).textContent()).toContain('Provençal Ratatouille');
    expect(await ratatouille.getByLabel('Servings').inputValue()).toBe('3');

    // a note, then servings changed, an entry moved and one removed
    await add.getByLabel('Or a note').fill('Leftovers');
    await add.getByRole('button', { name: 'Add to plan' }).click();
    await expect.poll(() => entries.count(), { timeout: 15_000 }).toBe(3);
    await ratatouille.getByLabel('Servings').fill('5');
    await ratatouille.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => page.reload().then(() => ratatouille.getByLabel('Servings').inputValue()), { timeout: 15_000 })
      .toBe('5');
    await hydrated(page);
    await ratatouille.locator('summary').click();
    const lastDay = await ratatouille.getByLabel('Day').locator('option').last().textContent();
    await ratatouille.getByLabel('Day').selectOption({ label: lastDay! });
    await ratatouille.getByRole('button', { name: 'Move here' }).click();
    await expect
      .poll(async () => (await day(page, new RegExp(`^${lastDay}$`)).textContent()) ?? '', { timeout: 15_000 })
      .toContain('Ratatouille');
    await page
      .locator('.plan__entry', { hasText: 'Leftovers' })
      .getByRole('button', { name: /^Remove/ })
      .click();
    await expect.poll(() => entries.count(), { timeout: 15_000 }).toBe(2);

    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(await audit(page, 'meal-plan')).toEqual([]);
    await page.setViewportSize(viewports.mobile);

    // the week onto the shopping list
    await page.getByRole('button', { name: 'Add this week to shopping list' }).click();
    await page.getByRole('status').filter({ hasText: 'Added 2 recipes' }).waitFor();

    // the next week is empty, and the previous link comes back
    await page.getByRole('link', { name: /Next week/ }).click();
    await page.waitForURL(/week=\d{4}-\d{2}-\d{2}/);
    await expect.poll(() => entries.count(), { timeout: 15_000 }).toBe(0);
    await page.getByRole('link', { name: /Previous week/ }).click();
    await expect.poll(() => entries.count(), { timeout: 15_000 }).toBe(2);

    // the calendar link: iCalendar for anyone holding it, until it is turned off
    await hydrated(page);
    await page.getByRole('button', { name: 'Create a calendar link' }).click();
    const url = await page.getByLabel('Calendar link').inputValue();
    expect(url).toMatch(/\/plan\/[A-Za-z0-9_-]+\.ics$/);
    const feedPath = new URL(url).pathname;
    const anonymous = (await newPage()).context();
    const feed = await anonymous.request.get(`${stack.t.baseUrl}${feedPath}`);
    expect(feed.status()).toBe(200);
    expect(feed.headers()['content-type']).toBe('text/calendar; charset=utf-8');
    const ics = await feed.text();
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics).toContain('SUMMARY:Dinner: Cacio e Pepe');
    expect(await audit(page, 'meal-plan-feed')).toEqual([]);
    await page.getByRole('button', { name: 'Turn the link off' }).click();
    await page.getByRole('button', { name: 'Create a calendar link' }).waitFor();
    // a visitor's page cache may serve the feed for up to PAGE_CACHE_TTL_MS more
    expect(
      await eventually(async () => (await anonymous.request.get(`${stack.t.baseUrl}${feedPath}`)).status() === 404, 10_000),
    ).toBe(true);
    expect(cspViolations).toEqual([]);
  }, 120_000);
});
