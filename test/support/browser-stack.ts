import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { chromiumPath, launchBrowser, pageTimeoutMs, viewports } from './browser.ts';
import { watchContentSecurityPolicy } from './csp.ts';
import { startTestPlatform, type TestPlatform } from './platform.ts';

export interface BrowserStack {
  /** The platform; there once the file's beforeAll ran (never without Chromium). */
  readonly t: TestPlatform;
  /** Content-Security-Policy violations any page of the file reported. */
  readonly cspViolations: string[];
  /** A page in a browser context of its own: a phone's viewport unless the options say otherwise. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
}

/**
 * One test file's whole stack for a real browser: the platform (`--role all`, the demo
 * recipes, no development sign-in) started before the file's tests and stopped after, and
 * Chromium. Without Chromium nothing starts (the file's `describe.skipIf(!chromiumPath)` skips).
 */
export function browserStack(
  name: string,
  options: { env?: Record<string, string>; context?: BrowserContextOptions; timeoutMs?: number } = {},
): BrowserStack {
  let platform: TestPlatform | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const cspViolations: string[] = [];
  beforeAll(async () => {
    if (!chromiumPath) return;
    platform = await startTestPlatform({
      ROLE: 'all',
      SEED_DEMO: 'always',
      SESSION_SECRET: `${name}-test-session-secret-0123456789abcdef`,
      DEV_AUTH: 'false',
      ...options.env,
    });
    browser = await launchBrowser();
  }, 180_000);
  // What each page of a failed test showed, its errors and where it was: a failure seen once in
  // CI is then read from the log rather than guessed at. A page may serve several tests: every
  // open page is shown, with its errors since the test before.
  const watched: Array<{ page: Page; errors: string[] }> = [];
  afterEach(async ({ task }) => {
    const failed = task.result?.state === 'fail';
    // Pages a test closed are done with: the list holds only those a later test may still use.
    for (let i = watched.length - 1; i >= 0; i--) if (watched[i]!.page.isClosed()) watched.splice(i, 1);
    for (const { page, errors: all } of watched) {
      const errors = all.splice(0);
      if (!failed) continue;
      const shown = await page
        .locator('body')
        .ariaSnapshot({ timeout: 5_000 })
        .catch((e: unknown) => `(no snapshot: ${String(e)})`);
      console.log(
        [`page ${page.url()} when "${task.name}" failed:`, ...errors.map((e) => `error: ${e}`), shown.slice(0, 6_000)].join('\n'),
      );
    }
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await platform?.stop();
  });
  return {
    get t() {
      if (!platform) throw new Error('the platform is not started: use it inside a test');
      return platform;
    },
    cspViolations,
    async newPage(extra = {}) {
      if (!browser) throw new Error('the browser is not started: use it inside a test');
      const context = await browser.newContext({ viewport: viewports.mobile, ...options.context, ...extra });
      contexts.push(context);
      await watchContentSecurityPolicy(context, cspViolations);
      const page = await context.newPage();
      page.setDefaultTimeout(options.timeoutMs ?? pageTimeoutMs);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      watched.push({ page, errors });
      return page;
    },
  };
}

/**
 * Resolves once React has hydrated the page (it marks the DOM nodes it owns). Polled from
 * here: waitForFunction would evaluate a string in the page, which its policy refuses.
 */
export async function hydrated(page: Page): Promise<void> {
  const probe = `Object.keys(document.querySelector('main') ?? {}).some((k) => k.startsWith('__reactFiber'))`;
  for (let i = 0; i < 150; i++) {
    if (await page.evaluate(probe)) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`${page.url()} did not hydrate within 15 s`);
}
