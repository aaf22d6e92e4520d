import { sessionCookieName, webSessionCodec } from '@yeet/platform';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { oidcFlow } from '../support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { drained } from '../support/queue.ts';
import { recipeInput } from '../support/recipes.ts';

/**
 * Signed-in readers whose browser runs the app's scripts (the `yeet_js` cookie) get the
 * public pages from the page cache, rendered for no one; their own parts come from
 * GetViewer in the browser (docs/decisions/0033). Without the cookie, and on personal
 * pages, the page is rendered for the person, as before.
 */
const sessionSecret = 'signed-in-cache-test-session-secret-0123456789';
let t: TestPlatform;
let owner: { cookie: string; token: string };
let reader: { cookie: string; token: string };
let published: string;
let draft: string;

beforeAll(async () => {
  t = await startTestPlatform({ ROLE: 'all', SESSION_SECRET: sessionSecret, PAGE_CACHE_TTL_MS: '60000' });
  const flow = oidcFlow(t.baseUrl, t.config, sessionSecret);
  const signUp = async (email: string, displayName: string) => {
    const tokens = await flow.signUp({ email, password: 'a long enough password', displayName });
    const session = {
      id: email,
      accessToken: tokens.access_token,
      refreshToken: null,
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    };
    return { cookie: `${sessionCookieName}=${webSessionCodec(sessionSecret).seal(session, 3600)}`, token: tokens.access_token };
  };
  // the first person to sign up is an admin, so an author too
  owner = await signUp('olga@example.com', 'Olga Owner');
  reader = await signUp('rex@example.com', 'Rex Reader');
  const author = t.recipes('alice', ['author']);
  const a = (await author.createRecipe({ recipe: recipeInput({ title: 'Shared Saltimbocca' }) })).recipe!;
  await author.submitRecipe({ id: a.id });
  await t.recipes('erin', ['editor']).approveRecipe({ id: a.id });
  published = a.slug;
  const res = await fetch(`${t.baseUrl}/api/yeet.v1.RecipeService/CreateRecipe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
    body: JSON.stringify({ recipe: recipeInput({ title: 'Private Pastitsio' }) }),
  });
  draft = ((await res.json()) as { recipe: { slug: string } }).recipe.slug;
  // the approval's index job drops cached pages when it runs: let it pass first
  const db = new pg.Client({ connectionString: t.database.url });
  await db.connect();
  await drained(db);
  await db.end();
  await new Promise((r) => setTimeout(r, 200));
});
afterAll(() => t?.stop());

const get = (path: string, cookie?: string) =>
  fetch(`${t.baseUrl}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
const withScripts = (who: { cookie: string }, value = '1') => `${who.cookie}; yeet_js=${value}`;

describe('public pages of signed-in readers whose browser runs the scripts', () => {
  it('come from the cache, rendered for no one, and are never a visitor’s page', async () => {
    const first = await get(`/r/${published}`, withScripts(reader));
    const second = await get(`/r/${published}`, withScripts(owner));
    expect(first.status).toBe(200);
    expect(second.headers.get('x-page-cache')).toBe('hit');
    // like any page of a signed-in person: kept by no browser or proxy
    expect(second.headers.get('cache-control')).toBe('private, no-store');
    const html = await second.text();
    expect(html).toContain('Shared Saltimbocca');
    for (const name of ['Rex Reader', 'Olga Owner']) expect(html).not.toContain(name);
    // the person's place is kept: no "Sign in" for someone who is, the rating form waiting for them
    expect(html).not.toContain('Sign in');
    expect(html).toContain('Rate this recipe');

    const visitor = await (await get(`/r/${published}`)).text();
    expect(visitor).toContain('Sign in to rate this recipe');
    for (const name of ['Rex Reader', 'Olga Owner']) expect(visitor).not.toContain(name);
  });

  it('home and search too; personal pages never', async () => {
    for (const path of ['/', '/search?q=saltimbocca']) {
      await get(path, withScripts(reader));
      const res = await get(path, withScripts(reader));
      expect(res.headers.get('x-page-cache'), path).toBe('hit');
      expect(await res.text()).not.toContain('Rex Reader');
    }
    for (const path of ['/account', '/shopping-list', '/me/collections', `/r/${published}/history`]) {
      const res = await get(path, withScripts(reader));
      expect(res.headers.get('x-page-cache'), path).toBeNull();
    }
  });

  it('a draft its author sees is rendered for the author, never from (or into) the cache', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await get(`/r/${draft}`, withScripts(owner));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-page-cache')).toBeNull();
      expect(await res.text()).toContain('Private Pastitsio');
    }
    expect((await get(`/r/${draft}`)).status).toBe(404);
    expect((await get(`/r/${draft}`, withScripts(reader))).status).toBe(404);
  });
});

describe('without the scripts cookie (no JavaScript), or with `own` (editors)', () => {
  it('an editor’s browser gets pages rendered for the person', async () => {
    const res = await get(`/r/${published}`, withScripts(owner, 'own'));
    expect(res.headers.get('x-page-cache')).toBeNull();
    expect(await res.text()).toContain('Olga Owner');
  });

  it('the page is rendered for the person, with their name and their parts', async () => {
    const res = await get(`/r/${published}`, reader.cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-page-cache')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const html = await res.text();
    expect(html).toContain('Rex Reader');
    expect(html).toContain('Rate this recipe');
  });
});

describe('a reader who hangs up while their page is being rendered', () => {
  it('is not an error: nothing is printed for it', async () => {
    const printed = vi.spyOn(console, 'error');
    try {
      // Hang up at staggered moments, so that some land in the middle of a render.
      await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const res = await fetch(`${t.baseUrl}/r/${published}`, {
            headers: { cookie: reader.cookie },
            signal: AbortSignal.timeout(1 + (i % 15)),
          }).catch(() => null);
          await res?.body?.cancel();
        }),
      );
      // the renders that lost their reader finish on the server after the client gave up
      await expect.poll(async () => (await get(`/r/${published}`, reader.cookie)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      const aborts = printed.mock.calls.filter((args) => args.some((a) => String(a).includes('Abort') || a instanceof Error));
      expect(aborts.map((args) => String(args[0]))).toEqual([]);
    } finally {
      printed.mockRestore();
    }
  });
});
