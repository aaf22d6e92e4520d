import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { browserStack } from '../support/browser-stack.ts';
import { chromiumPath } from '../support/browser.ts';

/**
 * A visitor's page reports its web vitals (apps/web/src/lib/web-vitals.ts): in Chromium, a
 * recipe page loaded, tapped and left sends one beacon, and the API's /metrics counts its
 * LCP, INP, CLS and TTFB under the route pattern /r/$slug, never the URL.
 */
const stack = browserStack('web-vitals', { context: { serviceWorkers: 'block' } });
const client = path.resolve(import.meta.dirname, '../../apps/web/dist/client/assets');

const count = async (series: string): Promise<number> => {
  const text = await (await fetch(`${stack.t.baseUrl}/metrics`)).text();
  const escaped = series.replace(/[{}"$/]/g, (c) => `\\${c}`);
  return Number(new RegExp(`^${escaped} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
};
const recipe = (metric: string) => `yeet_web_vitals_seconds_count{route="/r/$slug",metric="${metric}"}`;
const recipeCls = 'yeet_web_vitals_cls_count{route="/r/$slug"}';

describe.skipIf(!chromiumPath)('web vitals from a real browser', () => {
  it('a recipe page loaded, tapped and left reports each vital once, under its route pattern', async () => {
    const before = { lcp: await count(recipe('lcp')), inp: await count(recipe('inp')), ttfb: await count(recipe('ttfb')) };
    const cls = await count(recipeCls);
    const page = await stack.newPage();
    const loaded = page.waitForResponse((res) => /\/assets\/web-vitals-[^/]+\.js$/.test(res.url()));
    await page.goto(`${stack.t.baseUrl}/r/cacio-e-pepe`);
    await loaded; // fetched once the page is idle
    await page.getByRole('button', { name: /More servings/ }).click();
    await page.getByText(/scaled from/i).waitFor();
    // leaving the page hides it: the one moment the beacon goes
    await page.goto(`${stack.t.baseUrl}/offline.html`);
    const deadline = Date.now() + 10_000;
    while ((await count(recipe('ttfb'))) === before.ttfb && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await count(recipe('ttfb'))).toBe(before.ttfb + 1);
    expect(await count(recipe('lcp'))).toBe(before.lcp + 1);
    expect(await count(recipe('inp'))).toBe(before.inp + 1);
    expect(await count(recipeCls)).toBe(cls + 1);
    const text = await (await fetch(`${stack.t.baseUrl}/metrics`)).text();
    expect(text).not.toContain('cacio-e-pepe');
    expect(await count('yeet_web_vitals_refused_total{reason="route"}')).toBe(0);
    expect(await count('yeet_web_vitals_refused_total{reason="value"}')).toBe(0);
  });

  it('its code is a chunk of its own, not on the first load, under 1.5 KB gzip', async () => {
    const [file] = (await readdir(client)).filter((f) => /^web-vitals-.*\.js$/.test(f));
    expect(file).toBeDefined();
    const gzip = gzipSync(await readFile(path.join(client, file as string))).length;
    console.info(`web vitals: ${gzip} bytes gzip, loaded when the page is idle`);
    expect(gzip).toBeLessThan(1500);
    const html = await (await fetch(`${stack.t.baseUrl}/r/cacio-e-pepe`)).text();
    expect(html).not.toContain('web-vitals-');
  });
});
