import { loadConfig } from '@yeet/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagePolicy } from '../../apps/server/src/security-headers.ts';
import { browse, CookieJar, follow, oidcFlow } from '../support/oidc.ts';
import { startTestPlatform, startWebWithoutApi, type TestPlatform } from '../support/platform.ts';
import { recipeInput } from '../support/recipes.ts';

/**
 * Every page type — the web app's, signed in or not, its error pages, the issuer's sign-in
 * pages — says what a browser may do with it: a Content-Security-Policy whose scripts need
 * this response's nonce (or, on the issuer's static pages, a hash), no framing, no sniffing,
 * a short referrer; pages for signed-in people are never cached.
 */
const sessionSecret = 'headers-test-session-secret-0123456789';
const admin = { email: 'ada@example.com', password: 'a long enough password', displayName: 'Ada' };
let t: TestPlatform;
let web: TestPlatform;
let jar: CookieJar;
const slug = 'header-hotpot';

beforeAll(async () => {
  t = await startTestPlatform({ ROLE: 'all', SESSION_SECRET: sessionSecret });
  // the first person to sign up is an admin: every page opens for them
  await oidcFlow(t.baseUrl, t.config, sessionSecret).signUp(admin);
  jar = new CookieJar();
  const page = await follow(jar, t.baseUrl, await browse(jar, `${t.baseUrl}/auth/login`));
  const form = await browse(jar, `${new URL(page.url).href}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: admin.email, password: admin.password }).toString(),
  });
  await browse(jar, new URL((await follow(jar, t.baseUrl, form)).headers.get('location')!, t.baseUrl).href);
  const { recipe } = await t.recipes('alice', ['author']).createRecipe({ recipe: recipeInput({ title: 'Header Hotpot' }) });
  expect(recipe?.slug).toBe(slug);
  web = await startWebWithoutApi(t, sessionSecret);
});
afterAll(async () => {
  await web?.stop();
  await t?.stop();
});

const directives = (policy: string | null) =>
  new Map(
    (policy ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/) as [string, ...string[]])
      .map(([n, ...v]) => [n, v]),
  );

function expectPageHeaders(res: Response): void {
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  expect(res.headers.get('permissions-policy')).toMatch(/camera=\(\)/);
  const policy = directives(res.headers.get('content-security-policy'));
  expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
  expect(policy.get('base-uri')).toEqual(["'none'"]);
  expect(policy.get('object-src') ?? policy.get('default-src')).toEqual(["'none'"]);
  const scripts = policy.get('script-src') ?? policy.get('default-src') ?? [];
  expect(scripts).not.toContain("'unsafe-inline'");
  expect(scripts).not.toContain("'unsafe-eval'");
}

/** Every inline script of the page carries the nonce its policy names; none runs without. */
function expectNoncedScripts(html: string, policy: string | null): void {
  const nonce = /'nonce-([^']+)'/.exec(directives(policy).get('script-src')?.join(' ') ?? '')?.[1];
  expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  const tags = html.match(/<script\b[^>]*>/g) ?? [];
  expect(tags.length).toBeGreaterThan(0);
  for (const tag of tags) expect(tag).toContain(`nonce="${nonce}"`);
}

const visitorPages = ['/', '/search?q=hotpot', `/r/${slug}`, '/r/no-such-recipe'];
const signedInPages = [
  '/',
  '/account',
  '/me/recipes',
  '/new',
  `/r/${slug}/edit`,
  `/r/${slug}/history`,
  '/review',
  '/admin/users',
];

describe('headers of the web app’s pages', () => {
  it.each(visitorPages)('%s for a visitor', async (path) => {
    for (const attempt of ['miss', 'hit']) {
      const res = await fetch(`${t.baseUrl}${path}`);
      expect(res.status, attempt).toBeLessThan(500);
      expectPageHeaders(res);
      expectNoncedScripts(await res.text(), res.headers.get('content-security-policy'));
    }
  });

  it.each(signedInPages)('%s signed in: not cacheable either', async (path) => {
    const res = await browse(jar, `${t.baseUrl}${path}`);
    expect(res.status).toBe(200);
    expectPageHeaders(res);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('x-page-cache')).toBeNull();
    expectNoncedScripts(await res.text(), res.headers.get('content-security-policy'));
  });

  it('each response has a nonce of its own', async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 3; i++) nonces.add((await browse(jar, `${t.baseUrl}/`)).headers.get('content-security-policy')!);
    expect(nonces.size).toBe(3);
  });

  it('the page shown while the API is down', async () => {
    const res = await fetch(`${web.baseUrl}/`);
    expect(res.status).toBe(503);
    expectPageHeaders(res);
    expectNoncedScripts(await res.text(), res.headers.get('content-security-policy'));
  });
});

describe('headers of the issuer’s pages', () => {
  it('sign-in and sign-up pages allow their own stylesheet and nothing else', async () => {
    for (const hint of [undefined, 'signup'] as const) {
      const { page } = await oidcFlow(t.baseUrl, t.config, sessionSecret).start(hint);
      expect(page.status).toBe(200);
      expectPageHeaders(page);
      const policy = directives(page.headers.get('content-security-policy'));
      expect(policy.get('default-src')).toEqual(["'none'"]);
      expect(policy.get('style-src')?.[0]).toMatch(/^'sha256-/);
      expect(page.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('its error page and the pages oidc-provider answers itself', async () => {
    for (const path of ['/oidc/auth?client_id=nobody', '/oidc/session/end', '/oidc/device']) {
      const res = await fetch(`${t.baseUrl}${path}`);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expectPageHeaders(res);
      expect(directives(res.headers.get('content-security-policy')).get('default-src')).toEqual(["'none'"]);
    }
  });
});

describe('other responses', () => {
  it('API answers, probes and the sign-in redirect carry the same basic headers', async () => {
    for (const res of [
      await fetch(`${t.baseUrl}/healthz`),
      await fetch(`${t.baseUrl}/api/yeet.v1.RecipeService/ListRecipes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }),
      await fetch(`${t.baseUrl}/auth/login`, { redirect: 'manual' }),
    ]) {
      expectPageHeaders(res);
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('HSTS once PUBLIC_URL is https', async () => {
    const secure = await startTestPlatform(
      { ROLE: 'web', PUBLIC_URL: 'https://recipes.example', API_URL: t.baseUrl, SESSION_SECRET: sessionSecret },
      t.database,
    );
    try {
      const res = await secure.platform.app.inject({ url: '/healthz', headers: { host: 'recipes.example' } });
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await secure.stop();
    }
  });
});

describe('the pages’ policy in other deployments', () => {
  it('allows the image resizer, the bucket’s upload URLs and the external issuer, and nothing else', () => {
    const policy = pagePolicy(
      loadConfig({
        PUBLIC_URL: 'https://recipes.example',
        IMAGE_BASE_URL: 'https://img.recipes.example/',
        IMAGE_STORAGE: 's3',
        S3_BUCKET: 'photos',
        S3_ENDPOINT: 'https://minio.internal.example:9000',
        OIDC_ISSUER: 'https://idp.example/realms/recipes',
        OIDC_CLIENT_ID: 'recipes-web',
      }),
    )('abc');
    const d = directives(policy);
    expect(d.get('img-src')).toEqual(["'self'", 'data:', 'https://img.recipes.example']);
    expect(d.get('connect-src')).toEqual([
      "'self'",
      'https://minio.internal.example:9000',
      'https://photos.minio.internal.example:9000',
    ]);
    expect(d.get('form-action')).toEqual(["'self'", 'https://idp.example']);
    expect(d.get('script-src')).toEqual(["'nonce-abc'", "'strict-dynamic'"]);
  });

  it('on AWS, the bucket’s regional endpoint', () => {
    const policy = pagePolicy(
      loadConfig({ PUBLIC_URL: 'https://recipes.example', IMAGE_STORAGE: 's3', S3_BUCKET: 'photos', S3_REGION: 'eu-west-1' }),
    )('abc');
    expect(directives(policy).get('connect-src')).toEqual([
      "'self'",
      'https://s3.eu-west-1.amazonaws.com',
      'https://photos.s3.eu-west-1.amazonaws.com',
    ]);
  });
});
