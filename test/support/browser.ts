import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
if (!chromiumPath) console.warn('Browser tests skipped: no Chromium found. Install it (apt-get install chromium) or set CHROMIUM_PATH.');

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
