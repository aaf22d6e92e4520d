import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserStack, hydrated } from '../support/browser-stack.ts';
import { audit, chromiumPath, signUp, viewports } from '../support/browser.ts';

/**
 * The web app on a phone (390×844), in a real browser against the whole stack with the demo
 * recipes: pages as the server renders them are the pages after hydration.
 */
const stack = browserStack('phone');
const { cspViolations } = stack;
const newPage = stack.newPage;

/** The sum of the layout shifts the page has seen so far (not those caused by input), as CLS counts them. */
const layoutShift = (page: Page): Promise<number> =>
  page.evaluate(`new Promise((resolve) => {
    let sum = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) sum += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
    setTimeout(() => resolve(sum), 300);
  })`);

const top = async (page: Page, selector: string) => (await page.locator(selector).first().boundingBox())?.y;

describe.skipIf(!chromiumPath)('the web app on a phone', () => {
  it('search results stay where the server put them when the page hydrates', async () => {
    const path = '/search?q=chicken';
    // The server's HTML as the browser shows it before the app's scripts run: they never arrive.
    const serverOnly = await newPage();
    await serverOnly.route(/\/assets\/.*\.js$/, (route) => route.abort());
    await serverOnly.goto(`${stack.t.baseUrl}${path}`);
    const before = await top(serverOnly, '.hits > li');
    // Without JavaScript at all (the noscript Sort button takes a row of its own), results come first too.
    const noScript = await newPage({ javaScriptEnabled: false });
    await noScript.goto(`${stack.t.baseUrl}${path}`);
    expect(await top(noScript, '.hits > li')).toBeLessThan(viewports.mobile.height);

    const page = await newPage();
    await page.goto(`${stack.t.baseUrl}${path}`);
    await hydrated(page);
    await page.waitForLoadState('networkidle');
    const after = await top(page, '.hits > li');

    expect(before).toBeDefined();
    expect(after).toBe(before);
    // results come first on a phone: the first one starts on the first screen
    expect(after!).toBeLessThan(viewports.mobile.height);
    const cls = await layoutShift(page);
    console.info(`search at 390×844: first result at y=${after} before and after hydration, CLS ${cls.toFixed(3)}`);
    expect(cls).toBeLessThan(0.05);

    // the filters are one tap away, folded
    const toggle = page.locator('.filters__toggle');
    await expect(page.locator('.facet').first().isVisible()).resolves.toBe(false);
    await toggle.click();
    await expect(page.locator('.facet').first().isVisible()).resolves.toBe(true);
  });

  it('on a wide screen the filters stand unfolded beside the results, without a toggle', async () => {
    const page = await newPage({ viewport: viewports.desktop });
    await page.goto(`${stack.t.baseUrl}/search?q=chicken`);
    await hydrated(page);
    await expect(page.locator('.facet').first().isVisible()).resolves.toBe(true);
    await expect(page.locator('.filters__toggle').isVisible()).resolves.toBe(false);
    expect(await layoutShift(page)).toBeLessThan(0.05);
  });

  it('a servings count outside the stepper range is ignored, on the server and after hydration', async () => {
    const slug = 'pina-colada';
    const page = await newPage();
    const ingredients = async () => ((await page.locator('.ingredients').textContent()) ?? '').replace(/\s+/g, ' ');
    await page.goto(`${stack.t.baseUrl}/r/${slug}`);
    await hydrated(page);
    const base = Number(await page.locator('.servings__value').textContent());
    const asWritten = await ingredients();
    expect(base).toBeGreaterThan(0);

    for (const bad of ['abc', '-2', '0', '1e3', '101', '2.5', '']) {
      const path = `/r/${slug}?servings=${encodeURIComponent(bad)}`;
      const html = await (await fetch(`${stack.t.baseUrl}${path}`)).text();
      expect(html, bad).not.toMatch(/NaN|scaled from/);
      await page.goto(`${stack.t.baseUrl}${path}`);
      await hydrated(page);
      expect(await page.locator('.servings__value').textContent(), bad).toBe(String(base));
      expect(await ingredients(), bad).toBe(asWritten);
    }

    // in range, it scales; the stepper's buttons stay within the range
    await page.goto(`${stack.t.baseUrl}/r/${slug}?servings=100`);
    await hydrated(page);
    expect(await page.locator('.servings__value').textContent()).toBe('100');
    await expect(page.getByRole('button', { name: /More servings/ }).isDisabled()).resolves.toBe(true);
    await page.goto(`${stack.t.baseUrl}/r/${slug}?servings=1`);
    await hydrated(page);
    await expect(page.getByRole('button', { name: /Fewer servings/ }).isDisabled()).resolves.toBe(true);
  });

  it('the header is one row on a phone, its menu behind a button that works from the keyboard', async () => {
    const page = await newPage();
    const header = page.locator('.site-header');
    const toggle = page.locator('.site-menu__toggle');
    const searchLink = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search' });
    const headerHeight = async () => (await header.boundingBox())!.height;

    await page.goto(`${stack.t.baseUrl}/`);
    await hydrated(page);
    console.info(`header at 390 px: ${await headerHeight()} px`);
    expect(await headerHeight()).toBeLessThanOrEqual(64);
    expect(await layoutShift(page)).toBeLessThan(0.05);
    expect(await searchLink.isVisible()).toBe(false);

    // Enter on the focused button opens it; the links come next in tab order
    await toggle.focus();
    await page.keyboard.press('Enter');
    await searchLink.waitFor({ state: 'visible' });
    expect(await headerHeight()).toBeLessThanOrEqual(64); // it opens over the page
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Recipes');
    expect(await audit(page, 'menu-open')).toEqual([]);
    await page.setViewportSize(viewports.mobile);

    // Escape folds it and gives the focus back to the button
    await page.keyboard.press('Escape');
    await searchLink.waitFor({ state: 'hidden' });
    expect(await page.evaluate('document.activeElement?.className')).toBe('site-menu__toggle');

    // following a link folds it too
    await toggle.click();
    await searchLink.click();
    await page.waitForURL(/\/search$/);
    await searchLink.waitFor({ state: 'hidden' });
  });

  it('a signed-in person with every role still gets a one-row header on a phone, and the links on a wide screen', async () => {
    const page = await newPage({ viewport: viewports.desktop });
    await page.goto(`${stack.t.baseUrl}/`);
    // the first person to sign up is an admin: the most links a header carries
    await signUp(page, { name: 'Ada Admin', email: 'ada@example.com', password: 'a long enough password' });
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Users' }).waitFor({ state: 'visible' });
    expect(await page.locator('.site-menu__toggle').isVisible()).toBe(false);

    await page.setViewportSize(viewports.mobile);
    expect((await page.locator('.site-header').boundingBox())!.height).toBeLessThanOrEqual(64);
    expect(await nav.getByRole('link', { name: 'Users' }).isVisible()).toBe(false);
    await page.locator('.site-menu__toggle').click();
    await nav.getByRole('link', { name: 'Users' }).waitFor({ state: 'visible' });
    await nav.getByRole('button', { name: 'Sign out' }).waitFor({ state: 'visible' });
  });

  it('no page broke the Content-Security-Policy', () => {
    expect(cspViolations).toEqual([]);
  });
});
