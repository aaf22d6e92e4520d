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

  it('says a sign-in that did not complete in German, in the sign-in pages’ look (the web’s callback)', async () => {
    // no state cookie: as when the sign-in was started in another browser
    const res = await fetch(`${t.baseUrl}/auth/callback?code=x&state=y`, { headers: german });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-security-policy')).toBeTruthy();
    const html = await res.text();
    expect(html).toContain('<html lang="de"');
    expect(html).toContain('Die Anmeldung wurde nicht abgeschlossen');
    expect(html).toContain('in einem anderen Browser begonnen');
    expect(html).toContain('Noch einmal versuchen');
    expect(html).not.toMatch(/Sign-in did not complete|Nothing was changed|Try again/);
    // the switch's cookie outranks the browser's language
    const en = await (
      await fetch(`${t.baseUrl}/auth/callback?code=x&state=y`, { headers: { ...german, cookie: 'lang=en' } })
    ).text();
    expect(en).toContain('Sign-in did not complete');
  });
});

/**
 * The API's messages (errors and field violations) in German for a caller that asks for it,
 * as the site's German readers' calls do; English for everyone else (apps/api/src/rpc/german.ts).
 */
describe('the API’s messages in the reader’s language', () => {
  const call = (method: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.baseUrl}/api/yeet.v1.${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }).then(async (res) => ({ status: res.status, ...((await res.json()) as { code: string; message: string }) }));

  it('says what was not found in German, in English without German asked for', async () => {
    const de = await call('RecipeService/GetRecipe', { slug: 'no-such-recipe' }, german);
    expect(de).toMatchObject({ code: 'not_found', message: 'Das Rezept wurde nicht gefunden. Prüfe die ID oder die Adresse.' });
    const cookie = await call('RecipeService/GetRecipe', { slug: 'no-such-recipe' }, { cookie: 'lang=de' });
    expect(cookie.message).toBe(de.message);
    const en = await call('RecipeService/GetRecipe', { slug: 'no-such-recipe' });
    expect(en.message).toBe('Recipe was not found. Check the id or slug.');
    const fr = await call('RecipeService/GetRecipe', { slug: 'no-such-recipe' }, { 'accept-language': 'fr-FR' });
    expect(fr.message).toBe(en.message);
  });

  it('names a field’s problem in German, the field’s path as it was', async () => {
    const de = await call('RecipeService/ListRecipes', { pageSize: 100_000 }, german);
    expect(de.code).toBe('invalid_argument');
    expect(de.message).toMatch(/^pageSize: muss zwischen 1 und \d+ liegen$/);
    const en = await call('RecipeService/ListRecipes', { pageSize: 100_000 });
    expect(en.message).toMatch(/^pageSize: must be between 1 and \d+$/);
  });

  it('says a wrong password in German on the German sign-in page', async () => {
    const jar = new CookieJar();
    const page = await follow(jar, t.baseUrl, await browse(jar, `${t.baseUrl}/auth/login`));
    const res = await browse(jar, `${page.url}/login`, {
      method: 'POST',
      headers: { ...german, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'nobody@example.com', password: 'not the password at all' }).toString(),
    });
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain('E-Mail-Adresse oder Passwort stimmen nicht.');
    expect(html).not.toContain('The email or password is incorrect.');
  });
});
