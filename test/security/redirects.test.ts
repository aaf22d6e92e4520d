import http from 'node:http';
import { sessionCookieName } from '@yeet/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browse, CookieJar, follow, oidcFlow } from '../support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * After signing in, people go back to the page they came from (`returnTo`) — a page of this
 * site, never another one, and never an error. Browsers drop tabs and newlines from a URL and
 * read `\` as `/`, so `/<TAB>/evil.test` is `//evil.test` to them: the fuzzing below puts
 * every ASCII control character and the Unicode look-alikes of separators where a browser
 * could turn them into a second slash.
 */
const sessionSecret = 'redirects-test-session-secret-0123456789';
const account = { email: 'rita@example.com', password: 'a long enough password', displayName: 'Rita' };
let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform({ ROLE: 'all', SESSION_SECRET: sessionSecret, DEV_AUTH: 'false' });
  await oidcFlow(t.baseUrl, t.config, sessionSecret).signUp(account);
});
afterAll(async () => {
  await t?.stop();
});

const controls = [...Array.from({ length: 32 }, (_, i) => i), 0x7f].map((c) => String.fromCharCode(c));
const lookAlikes = [
  '\u0085', // next line
  '\u00a0', // no-break space
  '\u200b', // zero-width space
  '\u2028', // line separator
  '\u2029', // paragraph separator
  '\u2215', // division slash
  '\u2044', // fraction slash
  '\u3002', // ideographic full stop
  '\uff0e', // fullwidth full stop
  '\uff0f', // fullwidth solidus
  '\uff3c', // fullwidth reverse solidus
  '\ufe68', // small reverse solidus
  '\ufeff', // byte order mark
];
const shapes = (c: string) => [
  `/${c}/evil.test`,
  `/${c}\\evil.test`,
  `/\\${c}evil.test`,
  `${c}//evil.test`,
  `/${c}${c}/evil.test/x`,
];
const cases = [...controls, ...lookAlikes].flatMap((c) => shapes(c).map((value) => [JSON.stringify(value), value] as const));

/** Where the browser goes after the callback; the state cookie of /auth/login carries `returnTo`. */
async function afterCancelledSignIn(returnTo: string): Promise<Response> {
  const jar = new CookieJar();
  const login = await browse(jar, `${t.baseUrl}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
  expect(login.status).toBe(302);
  // "Cancel and go back" at the issuer ends here, the same redirect as a completed sign-in
  return browse(jar, `${t.baseUrl}/auth/callback?error=access_denied`);
}

/** A completed sign-in through the web app, starting at /auth/login as the header's link does. */
async function afterSignIn(returnTo: string): Promise<Response> {
  const jar = new CookieJar();
  const page = await follow(
    jar,
    t.baseUrl,
    await browse(jar, `${t.baseUrl}/auth/login?returnTo=${encodeURIComponent(returnTo)}`),
  );
  const interaction = new URL(page.url);
  const form = await browse(jar, `${t.baseUrl}${interaction.pathname}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: account.email, password: account.password }).toString(),
  });
  const toCallback = await follow(jar, t.baseUrl, form);
  return browse(jar, new URL(toCallback.headers.get('location')!, t.baseUrl).href);
}

/** The Location header as a browser resolves it against the page that answered. */
const landing = (res: Response) => new URL(res.headers.get('location')!, `${t.baseUrl}/auth/callback`);

describe('returnTo after signing in', () => {
  it.each(cases)('%s never leads to another site, nor to an error', async (_name, value) => {
    const res = await afterCancelledSignIn(value);
    expect(res.status).toBe(303);
    expect(landing(res).origin).toBe(t.baseUrl);
  });

  it.each(['/%09/evil.test', '/%E3%80%82/x', '/%0d%0a/x', '/%5C%09evil.test'])(
    'a completed sign-in with returnTo=%s stays on this site and answers a redirect',
    async (encoded) => {
      const res = await afterSignIn(decodeURIComponent(encoded));
      expect(res.status).toBe(303);
      expect(res.headers.getSetCookie().some((c) => c.startsWith(`${sessionCookieName}=`))).toBe(true);
      expect(landing(res).origin).toBe(t.baseUrl);
    },
  );

  it('a page of this site is kept, query and fragment included, percent-encoded', async () => {
    expect((await afterSignIn('/search?q=crème brûlée#results')).headers.get('location')).toBe(
      '/search?q=cr%C3%A8me%20br%C3%BBl%C3%A9e#results',
    );
    expect((await afterCancelledSignIn('/r/tomato-soup')).headers.get('location')).toBe('/r/tomato-soup');
  });

  it('anything that is not a path of this site goes home', async () => {
    for (const value of ['https://evil.test/', '//evil.test', '/\\evil.test', 'javascript:alert(1)', '/.//evil.test', '']) {
      expect((await afterCancelledSignIn(value)).headers.get('location')).toBe('/');
    }
  });
});

/** A request with its path exactly as written (fetch and inject would normalise it first). */
function rawGet(path: string): Promise<{ status: number; location: string | undefined }> {
  const { hostname, port } = new URL(t.baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path, method: 'GET' }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('paths that look like another host', () => {
  const paths = [
    '//',
    '//evil.test',
    '//evil.test/x/',
    '///evil.test/x/',
    '/\\evil.test/x/',
    '/\\/evil.test/x/',
    '//evil.test/%2e%2e',
  ];
  const withControls = controls.map((c) => `/${encodeURIComponent(c)}/evil.test/x/`);

  it.each([...paths, ...withControls])('%s is answered on this site, without an error', async (path) => {
    const res = await rawGet(path);
    expect(res.status).toBeLessThan(500);
    if (res.location !== undefined) expect(new URL(res.location, `${t.baseUrl}/`).origin).toBe(t.baseUrl);
  });
});
