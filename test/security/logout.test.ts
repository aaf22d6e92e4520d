import { Code, ConnectError, createClient, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { UserService } from '@yeet/contract';
import { webSessionCodec } from '@yeet/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browse, CookieJar, follow, oidcFlow } from '../support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * Signing out of the web app ends the session at once, whether or not the person confirms
 * at the issuer's end-session page: a copy of the old cookie no longer works at the API or
 * for a refresh, and the session's refresh token is revoked at the issuer. Cookie-borne
 * state changes outside /api refuse other sites.
 */
const sessionSecret = 'logout-test-session-secret-that-is-long-enough-0';
let t: TestPlatform;

const password = 'a long enough password';

beforeAll(async () => {
  t = await startTestPlatform({ ROLE: 'all', SESSION_SECRET: sessionSecret });
  const flow = oidcFlow(t.baseUrl, t.config, sessionSecret);
  // the first account is an admin; the cooks are plain users
  await flow.signUp({ email: 'first@example.com', password, displayName: 'First' });
  await flow.signUp({ email: 'ada@example.com', password, displayName: 'Ada' });
  await flow.signUp({ email: 'bo@example.com', password, displayName: 'Bo' });
});
afterAll(async () => {
  await t?.stop();
});

/** Signs in through the web app as a browser does; the jar then holds the session cookie. */
async function webSignIn(email = 'ada@example.com'): Promise<CookieJar> {
  const jar = new CookieJar();
  const page = await follow(jar, t.baseUrl, await browse(jar, `${t.baseUrl}/auth/login`));
  const action = /action="([^"]+)"/.exec(await page.text())![1]!.replaceAll('&amp;', '&');
  const posted = await browse(jar, new URL(action, t.baseUrl).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password }).toString(),
  });
  const toCallback = await follow(jar, t.baseUrl, posted);
  const back = await browse(jar, new URL(toCallback.headers.get('location')!, t.baseUrl).href);
  expect(back.status).toBe(303);
  expect(jar.header()).toContain('yeet_session=');
  return jar;
}

const withCookie =
  (cookie: string): Interceptor =>
  (next) =>
  (req) => {
    req.header.set('cookie', cookie);
    return next(req);
  };
const me = (cookie: string) =>
  createClient(
    UserService,
    createConnectTransport({ baseUrl: `${t.baseUrl}/api`, httpVersion: '1.1', interceptors: [withCookie(cookie)] }),
  ).getMe({});
const sessionOf = (jar: CookieJar) => /yeet_session=[^;]+/.exec(jar.header())![0];
const sameOrigin = () => ({ origin: new URL(t.baseUrl).origin });

describe('signing out', () => {
  it('ends the session at once: a copy of the old cookie gets nothing from the API or from /auth/refresh', async () => {
    const jar = await webSignIn();
    const copy = sessionOf(jar);
    expect((await me(copy)).user?.displayName).toBe('Ada');
    const before = await fetch(`${t.baseUrl}/me/recipes`, { headers: { cookie: copy }, redirect: 'manual' });
    expect(await before.text()).toContain('Ada');

    const out = await browse(jar, `${t.baseUrl}/auth/logout`, { method: 'POST', headers: sameOrigin() });
    expect(out.status).toBe(303);
    // the end-session confirmation at the issuer is never answered
    expect(new URL(out.headers.get('location')!).pathname).toBe('/oidc/session/end');
    expect(jar.header()).not.toContain('yeet_session=');

    const error = await me(copy).then(
      () => null,
      (e: unknown) => ConnectError.from(e),
    );
    expect(error?.code).toBe(Code.Unauthenticated);
    const refreshed = await fetch(`${t.baseUrl}/auth/refresh`, { method: 'POST', headers: { cookie: copy } });
    expect(refreshed.status).toBe(401);
    expect(refreshed.headers.getSetCookie().join()).not.toMatch(/yeet_session=[^;]/);

    // pages rendered on the server with the copy are rendered signed out, and the copy is cleared
    const page = await fetch(`${t.baseUrl}/me/recipes`, { headers: { cookie: copy }, redirect: 'manual' });
    expect(page.headers.getSetCookie().join()).toMatch(/yeet_session=;/);
    expect(await page.text()).not.toContain('Ada');
  });

  it('revokes the refresh token at the issuer', async () => {
    const jar = await webSignIn();
    const { refreshToken } = webSessionCodec(sessionSecret).read(sessionOf(jar))!;
    expect(refreshToken).toBeTruthy();
    await browse(jar, `${t.baseUrl}/auth/logout`, { method: 'POST', headers: sameOrigin() });
    // used directly at the issuer's token endpoint, it is refused
    const res = await oidcFlow(t.baseUrl, t.config, sessionSecret).refresh(refreshToken!);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('ends only that session: another sign-in of the same browser profile is untouched', async () => {
    const kept = await webSignIn('bo@example.com');
    const ended = await webSignIn('ada@example.com');
    await browse(ended, `${t.baseUrl}/auth/logout`, { method: 'POST', headers: sameOrigin() });
    expect((await me(sessionOf(kept))).user?.displayName).toBe('Bo');
  });
});

describe('cookie-authenticated state changes outside /api', () => {
  it.each([
    ['/auth/logout', { origin: 'https://evil.test' }],
    ['/auth/logout', { origin: 'null' }],
    ['/auth/logout', { 'sec-fetch-site': 'cross-site' }],
    ['/auth/logout', { 'sec-fetch-site': 'same-site' }],
    ['/auth/refresh', { origin: 'https://evil.test' }],
    ['/api/web-sessions/current', { origin: 'https://evil.test' }],
  ])('refuse %s from another site (%o) and leave the session alone', async (path, headers) => {
    const jar = await webSignIn();
    const res = await fetch(`${t.baseUrl}${path}`, {
      method: path.startsWith('/api/') ? 'DELETE' : 'POST',
      redirect: 'manual',
      headers: { ...headers, cookie: jar.header() },
    });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect((await me(sessionOf(jar))).user?.displayName).toBe('Ada');
  });

  it.each([
    ['the same origin', () => sameOrigin()],
    ['no Origin, Sec-Fetch-Site same-origin', () => ({ 'sec-fetch-site': 'same-origin' })],
    ['no Origin, Sec-Fetch-Site none', () => ({ 'sec-fetch-site': 'none' })],
    ['neither header (not a browser)', () => ({})],
  ])('accept a sign-out from %s', async (_name, headers) => {
    const jar = await webSignIn();
    const res = await browse(jar, `${t.baseUrl}/auth/logout`, { method: 'POST', headers: headers() });
    expect(res.status).toBe(303);
    expect(jar.header()).not.toContain('yeet_session=');
  });
});
