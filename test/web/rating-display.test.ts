import { sessionCookieName, webSessionCodec } from '@yeet/platform';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchBrowser } from '../support/browser.ts';
import { oidcFlow } from '../support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { recipeInput } from '../support/recipes.ts';

/**
 * Issue 17's rough edges of the recipe page's ratings: a recipe nobody rated says so in words
 * (five empty stars read as a rating of none), a draft shows nothing of ratings (it cannot be
 * rated), and a printed recipe leaves out the rating controls ("Sign in to rate").
 */
const sessionSecret = 'rating-display-test-session-secret-0123456789';
let t: TestPlatform;
let author: { cookie: string };
let unrated: string;
let draft: string;
let browser: Browser | undefined;

beforeAll(async () => {
  t = await startTestPlatform({ ROLE: 'all', SESSION_SECRET: sessionSecret });
  const flow = oidcFlow(t.baseUrl, t.config, sessionSecret);
  // the first person to sign up is an admin, so an author too
  const tokens = await flow.signUp({ email: 'dora@example.com', password: 'a long enough password', displayName: 'Dora' });
  const session = {
    id: 'dora',
    accessToken: tokens.access_token,
    refreshToken: null,
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  };
  author = { cookie: `${sessionCookieName}=${webSessionCodec(sessionSecret).seal(session, 3600)}` };
  const alice = t.recipes('alice', ['author']);
  const a = (await alice.createRecipe({ recipe: recipeInput({ title: 'Unrated Umami Broth' }) })).recipe!;
  await alice.submitRecipe({ id: a.id });
  await t.recipes('erin', ['editor']).approveRecipe({ id: a.id });
  unrated = a.slug;
  const res = await fetch(`${t.baseUrl}/api/yeet.v1.RecipeService/CreateRecipe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.access_token}` },
    body: JSON.stringify({ recipe: recipeInput({ title: 'Draft Dal' }) }),
  });
  draft = ((await res.json()) as { recipe: { slug: string } }).recipe.slug;
  if (chromiumPath) browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const page = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${t.baseUrl}${path}`, { headers });
  expect(res.status).toBe(200);
  return (await res.text()).replaceAll('<!-- -->', '');
};

describe('ratings on the recipe page', () => {
  it('an unrated recipe says "No ratings yet", with no stars, in both languages', async () => {
    const html = await page(`/r/${unrated}`);
    expect(html).toContain('No ratings yet');
    expect(html).not.toContain('stars__track');
    expect(html).toContain('Be the first to rate it.');
    const german = await page(`/r/${unrated}`, { 'accept-language': 'de' });
    expect(german).toContain('Noch keine Bewertungen');
    expect(german).not.toContain('stars__track');
  });

  it('a draft shows nothing of ratings to its author', async () => {
    const html = await page(`/r/${draft}`, { cookie: author.cookie });
    expect(html).toContain('Draft Dal');
    expect(html).toContain('This recipe is a draft');
    expect(html).not.toMatch(/No ratings yet|be the first|Ratings and reviews|stars__track|rating-summary/i);
  });

  it.skipIf(!chromiumPath)('a printed recipe has no rating controls', async () => {
    const context = await browser!.newContext({ serviceWorkers: 'block' });
    const tab = await context.newPage();
    await tab.goto(`${t.baseUrl}/r/${unrated}`);
    const signIn = tab.getByRole('link', { name: 'Sign in to rate this recipe' });
    expect(await signIn.isVisible()).toBe(true);
    expect(await tab.getByText('Be the first to rate it.').isVisible()).toBe(true);
    await tab.emulateMedia({ media: 'print' });
    expect(await signIn.isVisible()).toBe(false);
    expect(await tab.getByText('Be the first to rate it.').isVisible()).toBe(false);
    // the recipe itself prints
    expect(await tab.getByRole('heading', { name: 'Ingredients' }).isVisible()).toBe(true);
    await context.close();
  });
});
