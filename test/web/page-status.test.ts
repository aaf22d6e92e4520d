import { sessionCookieName, webSessionCodec } from '@yeet/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcFlow } from '../support/oidc.ts';
import { startTestPlatform, startWebWithoutApi, type TestPlatform } from '../support/platform.ts';
import { recipeInput } from '../support/recipes.ts';

/**
 * The pages for signed-in people answer like every other page: 404 for a recipe that does
 * not exist, 503 (the "kitchen is closed" page) when the API cannot be reached.
 */
const sessionSecret = 'page-status-test-session-secret-0123456789';
let t: TestPlatform;
let web: TestPlatform;
let cookie: string;
let slug: string;

beforeAll(async () => {
  t = await startTestPlatform({ ROLE: 'all', SESSION_SECRET: sessionSecret });
  // the first person to sign up is an admin: they may open every page
  const tokens = await oidcFlow(t.baseUrl, t.config, sessionSecret).signUp({
    email: 'ada@example.com',
    password: 'a long enough password',
    displayName: 'Ada',
  });
  const session = {
    id: 'page-status',
    accessToken: tokens.access_token,
    refreshToken: null,
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  };
  cookie = `${sessionCookieName}=${webSessionCodec(sessionSecret).seal(session, 3600)}`;
  const { recipe } = await t.recipes('alice', ['author']).createRecipe({ recipe: recipeInput({ title: 'Status Soup' }) });
  slug = recipe?.slug ?? '';
  web = await startWebWithoutApi(t, sessionSecret);
});
afterAll(async () => {
  await web?.stop();
  await t?.stop();
});

const page = (base: string, path: string) => fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' });

describe('pages for signed-in people', () => {
  it.each(['edit', 'history'])('the %s page of a recipe answers 200', async (which) => {
    const res = await page(t.baseUrl, `/r/${slug}/${which}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Status Soup');
  });

  it.each(['edit', 'history'])('the %s page of a recipe that does not exist answers 404', async (which) => {
    const res = await page(t.baseUrl, `/r/no-such-recipe/${which}`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('We could not find that page');
  });

  it.each(['edit', 'history'])('the %s page answers 503 while the API is down', async (which) => {
    const res = await page(web.baseUrl, `/r/${slug}/${which}`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('The kitchen is closed for a moment');
  });

  it.each(['/', '/search', `/r/${slug}`, '/me/recipes', '/review', '/account'])(
    '%s answers 503 while the API is down',
    async (path) => {
      expect((await page(web.baseUrl, path)).status).toBe(503);
    },
  );
});
