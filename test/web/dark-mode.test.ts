import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserStack } from '../support/browser-stack.ts';
import { audit, chromiumPath, signUp, viewports } from '../support/browser.ts';

/**
 * Light and dark (prefers-color-scheme, styles/dark.css) in a real browser against the whole
 * stack with the demo recipes: the main pages in both schemes pass axe's colour-contrast
 * rule (with the rest of WCAG 2.1 A/AA reported), the dark one is dark, form controls follow
 * it, and screenshots of each land in test-results/screenshots.
 */
const stack = browserStack('dark-mode', { context: { viewport: viewports.desktop, serviceWorkers: 'block' } });
const { cspViolations } = stack;
const newPage = stack.newPage;

/** Relative luminance of a computed `rgb(r, g, b)` colour (WCAG 2.1). */
function luminance(css: string): number {
  const [r, g, b] = (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

const computed = (page: Page, selector: string, property: string): Promise<string> =>
  page.evaluate(`getComputedStyle(document.querySelector(${JSON.stringify(selector)})).${property}`);

/** Audits the page in both schemes; returns the colour-contrast violations (all violations are logged). */
async function bothSchemes(page: Page, name: string): Promise<string[]> {
  const contrast: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const background = luminance(await computed(page, 'body', 'backgroundColor'));
    const text = luminance(await computed(page, 'body', 'color'));
    if (scheme === 'dark') expect(background, `${name}: a dark background`).toBeLessThan(0.02);
    else expect(background, `${name}: a light background`).toBeGreaterThan(0.9);
    expect((Math.max(background, text) + 0.05) / (Math.min(background, text) + 0.05)).toBeGreaterThanOrEqual(4.5);
    const violations = await audit(page, `${name}-${scheme}`);
    if (violations.length) console.warn(violations.join('\n'));
    contrast.push(...violations.filter((v) => /color-contrast/.test(v)));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return contrast;
}

describe.skipIf(!chromiumPath)('dark mode', () => {
  it("the visitor's pages have every text pair at 4.5:1 or more in both schemes", async () => {
    const page = await newPage();
    const pages: Array<[string, string, string]> = [
      ['home', '/', 'Cook it, rate it'],
      ['search', '/search?q=chicken', 'Recipes for'],
      ['recipe', '/r/cacio-e-pepe', 'Cacio e Pepe'],
      ['offline', '/offline.html', 'You are offline'],
    ];
    const violations: string[] = [];
    for (const [name, path, heading] of pages) {
      await page.goto(`${stack.t.baseUrl}${path}`);
      await page
        .getByRole('heading', { name: new RegExp(heading), level: 1 })
        .first()
        .waitFor();
      violations.push(...(await bothSchemes(page, name)));
    }
    expect(violations).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 180_000);

  it("a signed-in person's pages too, and form controls follow the scheme", async () => {
    const page = await newPage();
    await page.goto(`${stack.t.baseUrl}/r/cacio-e-pepe`);
    await signUp(page, { name: 'Dana Dark', email: 'dana@example.com', password: 'a long enough password' });
    const form = page.getByRole('form', { name: 'Add to shopping list' });
    await form.getByRole('button', { name: 'Add to shopping list' }).click();
    await form.getByRole('status').waitFor();
    const violations = await bothSchemes(page, 'recipe-signed-in');

    for (const [name, path, heading] of [
      ['shopping-list', '/shopping-list', 'Shopping list'],
      ['account', '/account', 'Your account'],
      ['new-recipe', '/new', 'New recipe'],
      ['my-recipes', '/me/recipes', 'My recipes'],
      ['review-queue', '/review', 'Review queue'],
      ['meal-plan', '/meal-plan', 'Meal plan'],
      ['collections', '/me/collections', 'Your collections'],
    ] as const) {
      await page.goto(`${stack.t.baseUrl}${path}`);
      await page
        .getByRole('heading', { name: new RegExp(heading), level: 1 })
        .first()
        .waitFor();
      violations.push(...(await bothSchemes(page, name)));
    }
    // the native controls are drawn dark too (color-scheme), not as white boxes on a dark page
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await computed(page, 'input, textarea, select', 'colorScheme')).toMatch(/dark/);
    expect(violations).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 180_000);
});
