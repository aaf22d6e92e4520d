import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserStack, hydrated } from '../support/browser-stack.ts';
import { chromiumPath, viewports } from '../support/browser.ts';

/**
 * The site in English and German (issue 17, decision 0042), in a real browser: the language
 * from Accept-Language, the footer's switch kept in a cookie across reloads (with and without
 * JavaScript), dates and numbers in the reader's language, and the page cache keeping each
 * language's pages apart.
 */
// wide enough for the header's links to show (a phone folds them behind "Menu")
const stack = browserStack('languages', { context: { serviceWorkers: 'block', viewport: viewports.desktop } });

const nav = (page: Page) => page.getByRole('navigation', { name: /Main|Hauptmenü/ });
const lang = (page: Page) => page.locator('html').getAttribute('lang');

describe.skipIf(!chromiumPath)('two languages', () => {
  it('reads German to a browser that asks for it, hydrated without a word of English in between', async () => {
    const page = await stack.newPage({ locale: 'de-DE' });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${stack.t.baseUrl}/`);
    expect(await lang(page)).toBe('de');
    await nav(page).getByRole('link', { name: 'Rezepte', exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Neueste Rezepte' }).waitFor();
    await hydrated(page);
    // hydration kept the server's German (a mismatch would be re-rendered, and logged)
    await nav(page).getByRole('link', { name: 'Anmelden' }).waitFor();
    expect(errors.filter((e) => /hydrat/i.test(e))).toEqual([]);

    await page.goto(`${stack.t.baseUrl}/search?q=zzzzqqqq`);
    await page
      .getByText(/Keine Rezepte/)
      .first()
      .waitFor();

    await page.goto(`${stack.t.baseUrl}/r/cacio-e-pepe?servings=3`);
    await page.getByRole('heading', { name: 'Zutaten' }).waitFor();
    await page.getByText('Mengen umgerechnet von 2 auf 3 Portionen.').waitFor();
  });

  it('English stays the default, and for a browser that asks for a language we do not have', async () => {
    for (const locale of [undefined, 'fr-FR']) {
      const page = await stack.newPage(locale ? { locale } : {});
      await page.goto(`${stack.t.baseUrl}/`);
      expect(await lang(page)).toBe('en');
      await nav(page).getByRole('link', { name: 'Recipes', exact: true }).waitFor();
    }
  });

  it('keeps the switch across reloads and pages, whatever the browser asks for', async () => {
    const page = await stack.newPage({ locale: 'en-GB' });
    await page.goto(`${stack.t.baseUrl}/r/cacio-e-pepe`);
    await hydrated(page);
    await page.getByRole('contentinfo').getByRole('button', { name: 'Deutsch' }).click();
    await page.waitForURL(/\/r\/cacio-e-pepe$/);
    await expect.poll(() => lang(page)).toBe('de');
    await page.getByRole('heading', { name: 'Zutaten' }).waitFor();
    await page.reload();
    expect(await lang(page)).toBe('de');
    await page.goto(`${stack.t.baseUrl}/search`);
    expect(await lang(page)).toBe('de');
    // and back
    await page.getByRole('contentinfo').getByRole('button', { name: 'English' }).click();
    await expect.poll(() => lang(page)).toBe('en');
    await page.reload();
    expect(await lang(page)).toBe('en');
  });

  it('switches without JavaScript too', async () => {
    const page = await stack.newPage({ javaScriptEnabled: false });
    await page.goto(`${stack.t.baseUrl}/search?q=pasta`);
    await page.getByRole('contentinfo').getByRole('button', { name: 'Deutsch' }).click();
    await page.waitForURL(/\/search\?q=pasta$/);
    expect(await lang(page)).toBe('de');
    await nav(page).getByRole('link', { name: 'Suche' }).waitFor();
  });

  it('never gives an English reader the German page the cache holds, nor the other way round', async () => {
    const url = `${stack.t.baseUrl}/r/cacio-e-pepe`;
    const german = { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' };
    // the German page in the cache (the demo's index jobs may drop it a few times first)
    await expect
      .poll(
        async () => {
          const res = await fetch(url, { headers: german });
          expect(res.headers.get('vary')).toMatch(/accept-language/);
          expect(await res.text()).toContain('<html lang="de"');
          return res.headers.get('x-page-cache');
        },
        { timeout: 60_000, interval: 200 },
      )
      .toBe('hit');
    for (const headers of [{}, { 'accept-language': 'en-US,en;q=0.9' }, { 'accept-language': 'de', cookie: 'lang=en' }]) {
      const res = await fetch(url, { headers });
      expect(await res.text()).toContain('<html lang="en"');
    }
    // a signed-in reader's shared page (yeet_js=1) is kept per language too
    const signedIn = { cookie: 'yeet_session=whoever; yeet_js=1; lang=de' };
    expect(await (await fetch(url, { headers: signedIn })).text()).toContain('<html lang="de"');
    const en = await fetch(url, { headers: { cookie: 'yeet_session=whoever; yeet_js=1' } });
    expect(await en.text()).toContain('<html lang="en"');
    expect((await fetch(url, { headers: { cookie: 'lang=de' } })).headers.get('x-page-cache')).not.toBeNull();

    // in a browser: the same page just rendered in German is English for this reader
    const page = await stack.newPage({ locale: 'en-US' });
    await page.goto(url);
    expect(await lang(page)).toBe('en');
    await page.getByRole('heading', { name: 'Ingredients' }).waitFor();
  }, 90_000);
});
