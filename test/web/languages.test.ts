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
const main = (page: Page) => page.locator('main').textContent();
/** The text of the page's ingredient amounts. */
const amounts = (page: Page) => page.locator('.ingredients__amount').allInnerTexts();

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

  it('signs up on German pages, and the signed-in pages read German (the first account: an admin)', async () => {
    const page = await stack.newPage({ locale: 'de-DE' });
    await page.goto(`${stack.t.baseUrl}/`);
    await hydrated(page);
    await nav(page).getByRole('link', { name: 'Konto erstellen' }).click();
    // the issuer's page, in the language the site chose
    await page.getByRole('heading', { name: 'Konto erstellen' }).waitFor();
    expect(await lang(page)).toBe('de');
    expect(await main(page)).not.toMatch(/Create an account|Name to show|Password/);
    await page.getByLabel('Angezeigter Name').fill('Grete Koch');
    await page.getByLabel('E-Mail').fill('grete@example.com');
    await page.getByLabel('Passwort').fill('ein langes genug Passwort');
    await page.getByRole('button', { name: 'Konto erstellen' }).click();
    await nav(page)
      .getByRole('link', { name: /Grete Koch/ })
      .waitFor();

    // collections: the list, a new one, its page
    await page.goto(`${stack.t.baseUrl}/me/collections`);
    await page.getByRole('heading', { name: 'Deine Sammlungen' }).waitFor();
    await page.getByRole('link', { name: 'Favoriten' }).waitFor();
    expect(await main(page)).not.toMatch(/Your collections|New collection|Favourites|recipes?\b/);
    await hydrated(page);
    await page.getByRole('textbox', { name: 'Neue Sammlung' }).fill('Unter der Woche');
    await page.getByRole('button', { name: 'Anlegen' }).click();
    await page.getByRole('heading', { name: 'Unter der Woche' }).waitFor();
    await page.getByText('Privat: nur du siehst sie.').waitFor();
    expect(await main(page)).not.toMatch(/Sharing|Rename|No recipes here yet/);
    expect(await page.title()).toBe('Unter der Woche — Eat or Yeet');

    // the API's refusal of a second collection of that name, in German (the browser's own call)
    await page.goto(`${stack.t.baseUrl}/me/collections`);
    await hydrated(page);
    await page.getByRole('textbox', { name: 'Neue Sammlung' }).fill('Unter der Woche');
    await page.getByRole('button', { name: 'Anlegen' }).click();
    await page.getByText('Du hast schon eine Sammlung namens „Unter der Woche“. Wähle einen anderen Namen.').waitFor();
    expect(await main(page)).not.toMatch(/You already have|Choose another name/);

    // the meal plan, its days in German
    await page.goto(`${stack.t.baseUrl}/meal-plan`);
    await page.getByRole('heading', { name: 'Essensplan', level: 1 }).waitFor();
    await page.getByRole('heading', { name: /^Montag, \d+\. / }).waitFor();
    expect(await main(page)).not.toMatch(/Meal plan|Previous week|Nothing planned|Monday|Add to the plan/);
    expect(await page.title()).toBe('Essensplan — Eat or Yeet');

    // a recipe's history
    await page.goto(`${stack.t.baseUrl}/r/cacio-e-pepe/history`);
    await page.getByRole('heading', { name: /^Verlauf von „/ }).waitFor();
    await page.getByRole('link', { name: '← Zurück zum Rezept' }).waitFor();
    expect(await main(page)).not.toMatch(/History of|Back to the recipe|Written|\bby\b/);

    // the audit log (an admin's)
    await page.goto(`${stack.t.baseUrl}/admin/audit`);
    await page.getByRole('heading', { name: 'Protokoll', level: 1 }).waitFor();
    expect(await page.getByLabel('Art').locator('option').first().textContent()).toBe('Jede Art');
    expect(await main(page)).not.toMatch(/Audit log|Any kind|When\b|Older events/);
    // the events' details (the demo's recipes were reviewed and published): the API's names in German
    await page
      .getByRole('cell', { name: /von: in Prüfung; zu: veröffentlicht/ })
      .first()
      .waitFor();
    expect(await main(page)).not.toMatch(/\b(from|to): |in_review|published\b/);

    // the recipe form: the API's refusal of a field, in German beside the field
    await page.goto(`${stack.t.baseUrl}/new`);
    await hydrated(page);
    await page.getByRole('textbox', { name: 'Titel', exact: true }).fill('Xy');
    await page.getByRole('button', { name: 'Entwurf speichern' }).click();
    await page.getByText('Der Titel braucht mindestens 3 Zeichen.').waitFor();
    await page.getByText('Das Rezept konnte nicht gespeichert werden.').waitFor();
    expect(await main(page)).not.toMatch(/needs at least|must be/);

    // the import and shopping list pages' titles
    await page.goto(`${stack.t.baseUrl}/import`);
    expect(await page.title()).toBe('Rezept importieren — Eat or Yeet');
    await page.goto(`${stack.t.baseUrl}/shopping-list`);
    expect(await page.title()).toBe('Einkaufsliste — Eat or Yeet');

    // an amount as a German reader writes and reads it: a decimal comma
    await hydrated(page);
    await page.getByRole('textbox', { name: 'Etwas hinzufügen' }).fill('1,2 kg Mehl');
    await page.getByRole('button', { name: 'Hinzufügen', exact: true }).click();
    await page.getByText('1,2 kg', { exact: true }).waitFor();
    expect(await main(page)).not.toContain('1.2 kg');
    // without JavaScript the form posts to the web server, whose call to the API passes the
    // page's language on: the refusal comes back in German
    const posted = await page.request.post(`${stack.t.baseUrl}/shopping-list`, {
      form: { action: 'add', text: '-3 kg Mehl' },
      headers: { origin: stack.t.baseUrl, 'accept-language': 'de-DE,de;q=0.9' },
      maxRedirects: 0,
    });
    expect(posted.status()).toBe(303);
    await page.goto(new URL(posted.headers().location!, stack.t.baseUrl).href);
    await page.getByText(/^Muss größer als 0 und höchstens \d+ sein/).waitFor();
  }, 120_000);

  it('says a sign-in that did not complete in German, in the sign-in pages’ look', async () => {
    const page = await stack.newPage({ locale: 'de-DE' });
    // no sign-in under way in this browser: as when it was started in another one
    const res = await page.goto(`${stack.t.baseUrl}/auth/callback?code=x&state=y`);
    expect(res?.status()).toBe(400);
    expect(await lang(page)).toBe('de');
    await page.getByRole('heading', { name: 'Die Anmeldung wurde nicht abgeschlossen' }).waitFor();
    await page.getByRole('link', { name: 'Noch einmal versuchen' }).waitFor();
    expect(await page.locator('body').textContent()).not.toMatch(/Sign-in did not complete|Nothing was changed|Try again/);
  });

  it('writes quantities with a decimal comma for German readers, a point for English ones', async () => {
    const english = await stack.newPage({ locale: 'en-GB' });
    const german = await stack.newPage({ locale: 'de-DE' });
    // servings whose scaling gives the recipe a decimal amount (1.5 kg, 2.5 g…)
    let servings = 0;
    let shown: string[] = [];
    for (const n of [3, 5, 7, 9, 11]) {
      await english.goto(`${stack.t.baseUrl}/r/cacio-e-pepe?servings=${n}`);
      shown = await amounts(english);
      if (shown.some((a) => /\d\.\d/.test(a))) {
        servings = n;
        break;
      }
    }
    expect(servings, `a decimal amount among ${shown.join(' | ')}`).toBeGreaterThan(0);
    await german.goto(`${stack.t.baseUrl}/r/cacio-e-pepe?servings=${servings}`);
    const deShown = await amounts(german);
    expect(deShown).toEqual(shown.map((a) => a.replace('.', ',')));
    await hydrated(german);
    expect(await amounts(german)).toEqual(deShown);
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
    // a form post, a redirect and a page load: more than expect.poll's default second on a busy machine
    await expect.poll(() => lang(page), { timeout: 15_000 }).toBe('de');
    await page.getByRole('heading', { name: 'Zutaten' }).waitFor();
    await page.reload();
    expect(await lang(page)).toBe('de');
    await page.goto(`${stack.t.baseUrl}/search`);
    expect(await lang(page)).toBe('de');
    // and back
    await page.getByRole('contentinfo').getByRole('button', { name: 'English' }).click();
    await expect.poll(() => lang(page), { timeout: 15_000 }).toBe('en');
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
