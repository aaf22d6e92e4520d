import { sessionCookieName, webSessionCodec } from '@yeet/platform';
import { UserService } from '@yeet/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcFlow } from '../support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { eventually } from '../support/queue.ts';
import { recipeInput } from '../support/recipes.ts';

/** The audit log page and the account page's data section, rendered on the server. */
const sessionSecret = 'people-data-test-session-secret-0123456789';
let t: TestPlatform;
const cookies: Record<'admin' | 'reader', string> = { admin: '', reader: '' };

beforeAll(async () => {
  // A page cache that lives a minute: only an index change can drop a page within the tests' few seconds.
  t = await startTestPlatform({ ROLE: 'all', SESSION_SECRET: sessionSecret, PAGE_CACHE_TTL_MS: '60000' });
  const flow = oidcFlow(t.baseUrl, t.config, sessionSecret);
  // The first person to sign up is an admin.
  for (const [who, email] of [
    ['admin', 'ada@example.com'],
    ['reader', 'rob@example.com'],
  ] as const) {
    const tokens = await flow.signUp({ email, password: 'a long enough password', displayName: who });
    const session = {
      id: `people-data-${who}`,
      accessToken: tokens.access_token,
      refreshToken: null,
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    };
    cookies[who] = `${sessionCookieName}=${webSessionCodec(sessionSecret).seal(session, 3600)}`;
  }
  const author = t.recipes('page-author', ['author']);
  const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'Audit Page Soup' }) });
  await author.submitRecipe({ id: recipe!.id });
  const { user } = await t.client(UserService, 'page-target').getMe({});
  await t.client(UserService, 'page-admin', ['admin']).deleteUser({ userId: user!.id });
});
afterAll(() => t?.stop());

const page = (path: string, who: 'admin' | 'reader') =>
  fetch(`${t.baseUrl}${path}`, { headers: { cookie: cookies[who] }, redirect: 'manual' });

describe('/admin/audit', () => {
  it('lists the events newest first, in the server-rendered HTML', async () => {
    const res = await page('/admin/audit', 'admin');
    expect(res.status).toBe(200);
    // The table only: the kind filter's options name every kind too.
    const html = (await res.text()).split('<tbody>')[1] ?? '';
    const deleted = html.indexOf('Account deleted');
    const submitted = html.indexOf('Submitted for review');
    const created = html.indexOf('Recipe created');
    expect(deleted).toBeGreaterThan(0);
    expect(deleted).toBeLessThan(submitted);
    expect(submitted).toBeLessThan(created);
    expect(html).toContain('Audit Page Soup');
  });

  it('names the kinds added with exports and sign-in bursts in its kind filter', async () => {
    const html = await (await page('/admin/audit', 'admin')).text();
    expect(html).toContain('<option value="user.sign_in_failures">Sign-in failures</option>');
    expect(html).toContain('<option value="user.data_exported">Data exported</option>');
  });

  it('filters by kind from the URL (a plain GET form)', async () => {
    const html = (await (await page('/admin/audit?kind=user.deleted', 'admin')).text()).split('<tbody>')[1] ?? '';
    expect(html).toContain('Account deleted');
    expect(html).not.toContain('Audit Page Soup');
  });

  it('is not for people without the admin role', async () => {
    const res = await page('/admin/audit', 'reader');
    expect(res.status).not.toBe(200);
  });
});

describe('/account', () => {
  it('offers the data download and a deletion that says what happens', async () => {
    const html = await (await page('/account', 'reader')).text();
    expect(html).toContain('Download my data');
    expect(html).toContain('Delete my account');
    expect(html).toContain('your ratings and reviews');
    expect(html).toContain('Type DELETE to confirm');
    // An account of this site gives its password again before it is deleted.
    expect(html).toContain('Your password, to confirm it is you');
  });
});

describe('a deleted account’s recipe pages', () => {
  it('leave the visitors’ page cache at once, not after its lifetime', async () => {
    const author = t.recipes('cached-author', ['author']);
    const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'Cached Crumble' }) });
    await author.submitRecipe({ id: recipe!.id });
    await t.recipes('cached-editor', ['editor']).approveRecipe({ id: recipe!.id });
    const visit = () => fetch(`${t.baseUrl}/r/${recipe!.slug}`);
    // Cached for visitors once the page is served twice.
    expect(
      await eventually(async () => {
        const res = await visit();
        await res.text();
        return res.status === 200 && res.headers.get('x-page-cache') === 'hit';
      }),
    ).toBe(true);
    const { user } = await t.client(UserService, 'cached-author', ['author']).getMe({});
    await t.client(UserService, 'page-admin', ['admin']).deleteUser({ userId: user!.id });
    // The index change of the deletion drops the cache: the page is gone well before any TTL would matter.
    expect(await eventually(async () => (await visit()).status === 404, 5_000)).toBe(true);
  });
});
