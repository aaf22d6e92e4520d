import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core. CI installs it (.ci/run) and sets
 * REQUIRE_BROWSER=1, so a missing browser fails there; on a machine without Chromium the
 * browser tests are skipped with a note instead of failing `npm test`.
 */
const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
export const chromiumPath = candidates.find((p): p is string => Boolean(p && existsSync(p))) ?? null;

if (!chromiumPath && process.env.REQUIRE_BROWSER) {
  throw new Error('REQUIRE_BROWSER is set but no Chromium was found (set CHROMIUM_PATH or apt-get install chromium)');
}
if (!chromiumPath)
  console.warn('Browser tests skipped: no Chromium found. Install it (apt-get install chromium) or set CHROMIUM_PATH.');

/**
 * How long a page waits for an element, a navigation or a load before the test fails. A
 * page that answers in 100 ms alone took over 15 s on a 2-core machine running ten other
 * heavy processes (a first render, the cover's resize), so this is not a speed check.
 */
export const pageTimeoutMs = 30_000;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath!,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Signs up on the built-in issuer from the site header; lands back where it started. */
export async function signUp(page: Page, person: { name: string; email: string; password: string }): Promise<void> {
  const before = page.url();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Create an account' }).waitFor();
  await page.getByLabel('Name to show').fill(person.name);
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(before);
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: new RegExp(person.name) })
    .waitFor();
}

export const viewports = {
  mobile: { width: 390, height: 844 },
  desktop: { width: 1280, height: 900 },
} as const;

const screenshotDir = path.resolve(import.meta.dirname, '../../test-results/screenshots');

/**
 * Checks the page against WCAG 2.1 A and AA with axe-core and saves full-page screenshots
 * at mobile and desktop widths (test-results/, for reviewers; not committed). Returns the
 * violations, so the caller's assertion names them.
 */
export async function audit(page: Page, name: string): Promise<string[]> {
  const violations: string[] = [];
  for (const [label, viewport] of Object.entries(viewports)) {
    await page.setViewportSize(viewport);
    const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    // no rule run at all would also mean no violations
    if (result.passes.length < 10)
      throw new Error(`axe-core checked almost nothing on ${name} (${result.passes.length} rules passed)`);
    for (const v of result.violations) {
      violations.push(`${name} (${label}): ${v.id} — ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }
    await mkdir(screenshotDir, { recursive: true });
    await page.screenshot({ path: path.join(screenshotDir, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(viewports.desktop);
  return violations;
}
