import { builtInIssuerPath } from '@yeet/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browse, CookieJar, follow } from '../support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * The built-in issuer's pages in the site's two languages (issue 17, decision 0042), chosen as
 * the site chooses: the `lang` cookie, then Accept-Language, then English.
 */
let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform({ ROLE: 'all', DEV_AUTH: 'false', SESSION_SECRET: 'issuer-language-secret-0123456789abcdef' });
}, 180_000);
afterAll(async () => {
  await t?.stop();
});

const german = { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' };

describe('the issuer’s pages in the reader’s language', () => {
  it('signs in and up in German for a browser that asks for it, in English for one whose cookie says so', async () => {
    const jar = new CookieJar();
    const page = await follow(jar, t.baseUrl, await browse(jar, `${t.baseUrl}/auth/login`));
    expect(page.status).toBe(200);
    const signIn = page.url;
    expect(new URL(signIn).pathname).toContain(`${builtInIssuerPath}/interaction/`);
    expect(await page.text()).toContain('<h1>Sign in</h1>');

    const de = await (await browse(jar, signIn, { headers: german })).text();
    expect(de).toContain('<html lang="de"');
    expect(de).toContain('<h1>Anmelden</h1>');
    expect(de).toContain('>Passwort</label>');
    expect(de).not.toMatch(/Password|Create an account|Cancel and go back/);
    const signUp = await (await browse(jar, `${signIn}/signup`, { headers: german })).text();
    expect(signUp).toContain('<h1>Konto erstellen</h1>');
    expect(signUp).not.toMatch(/Name to show|At least 10 characters/);

    // the switch's cookie outranks the browser's language
    const en = await (await fetch(signIn, { headers: { ...german, cookie: `${jar.header()}; lang=en` } })).text();
    expect(en).toContain('<html lang="en"');
    expect(en).toContain('<h1>Sign in</h1>');
  });

  it('asks for a device’s code in German', async () => {
    const html = await (await fetch(`${t.baseUrl}${builtInIssuerPath}/device`, { headers: german })).text();
    expect(html).toContain('<html lang="de"');
    expect(html).toContain('<h1>Einen Assistenten verbinden</h1>');
    expect(html).not.toMatch(/Connect an assistant|Continue/);
  });

  it('says an expired sign-in page has expired in German', async () => {
    const res = await fetch(`${t.baseUrl}${builtInIssuerPath}/interaction/no-such-interaction`, { headers: german });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('<html lang="de"');
    expect(html).toContain('Diese Anmeldeseite ist abgelaufen');
    expect(html).toContain('Zurück zu den Rezepten');
  });
});
