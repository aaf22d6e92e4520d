import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { browserStack, hydrated } from '../support/browser-stack.ts';
import { audit, chromiumPath, signUp, viewports } from '../support/browser.ts';
import { drained } from '../support/queue.ts';

/**
 * Favourites and collections in a real browser on a phone (390×844) against the whole stack
 * with the demo recipes: save a recipe with one tap, add it to a new collection, see it saved
 * on the home page's cards, share the collection, open the link as a visitor, stop sharing —
 * with axe on each new page.
 */
const stack = browserStack('collections', { context: { hasTouch: true, isMobile: true }, timeoutMs: 30_000 });
const { cspViolations } = stack;
const newPage = stack.newPage;

describe.skipIf(!chromiumPath)('favourites and collections on a phone', () => {
  it('a visitor’s recipe page has no save control, and stays the page the cache keeps', async () => {
    // the demo's seeding (covers, reviews) reindexes recipes for a while after the start, and
    // each index job clears the cache: let it finish, then ask until the page comes from it
    const db = new pg.Client({ connectionString: stack.t.database.url });
    await db.connect();
    await drained(db, 'search.index', 100_000).finally(() => db.end());
    let html = '';
    await expect
      .poll(
        async () => {
          const res = await fetch(`${stack.t.baseUrl}/r/cacio-e-pepe`);
          html = await res.text();
          return res.headers.get('x-page-cache');
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe('hit');
    expect(html).not.toContain('save-recipe');
    expect(html).not.toContain('Save to Favourites');
    const page = await newPage();
    await page.goto(`${stack.t.baseUrl}/r/cacio-e-pepe`);
    await hydrated(page);
    await page.getByRole('heading', { name: 'Cacio e Pepe', level: 1 }).waitFor();
    expect(await page.getByRole('button', { name: 'Save to Favourites' }).count()).toBe(0);
  }, 180_000);

  it('saves with one tap, adds to a new collection, marks the card, shares the collection and stops sharing', async () => {
    const page = await newPage();
    await page.setViewportSize(viewports.desktop); // the header's links unfolded
    await page.goto(`${stack.t.baseUrl}/`);
    await signUp(page, { name: 'Cora Collector', email: 'cora@example.com', password: 'a long enough password' });
    await page.setViewportSize(viewports.mobile);
    await hydrated(page);

    // the first card of the home page: its page, then save it
    const firstCard = page.locator('.grid .card').first();
    const title = ((await firstCard.locator('.card__title').textContent()) ?? '').trim();
    expect(await firstCard.getByText('Saved').count()).toBe(0);
    await firstCard.getByRole('link', { name: title }).click();
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    await hydrated(page);
    const favourite = page.getByRole('button', { name: 'Save to Favourites' });
    await expect.poll(() => favourite.isEnabled(), { timeout: 30_000 }).toBe(true);
    expect(await favourite.getAttribute('aria-pressed')).toBe('false');
    await favourite.tap();
    await page.getByRole('status').filter({ hasText: 'Saved to Favourites.' }).waitFor();
    await expect.poll(() => favourite.getAttribute('aria-pressed'), { timeout: 30_000 }).toBe('true');

    // a new collection, from the recipe page
    await page.getByText('Add to a collection').tap();
    await page.getByLabel('New collection').fill('Weeknight');
    await page.getByRole('button', { name: 'Create and add' }).tap();
    await page.getByRole('status').filter({ hasText: 'Added to the new collection Weeknight.' }).waitFor();
    await page.getByRole('checkbox', { name: 'Weeknight' }).waitFor();
    expect(await page.getByRole('checkbox', { name: 'Weeknight' }).isChecked()).toBe(true);
    expect(await audit(page, 'recipe-saved')).toEqual([]);
    await page.setViewportSize(viewports.mobile);

    // the home page's card says so
    await page.goto(`${stack.t.baseUrl}/`);
    await hydrated(page);
    const card = page.locator('.grid .card').filter({ hasText: title }).first();
    await card.getByText('Saved').waitFor();
    // and so does its search result
    await page.goto(`${stack.t.baseUrl}/search?q=${encodeURIComponent(title)}`);
    await hydrated(page);
    await page.locator('.hit').filter({ hasText: title }).first().getByText('Saved').waitFor();

    // the account area lists the collections
    await page.goto(`${stack.t.baseUrl}/me/collections`);
    await hydrated(page);
    await page.getByRole('heading', { name: 'Your collections', level: 1 }).waitFor();
    const list = page.getByRole('list', { name: 'Your collections' });
    expect(await list.getByRole('listitem').allInnerTexts()).toEqual([
      expect.stringMatching(/^Favourites\s+1 recipe/),
      expect.stringMatching(/^Weeknight\s+1 recipe/),
    ]);
    expect(await audit(page, 'collections')).toEqual([]);
    await page.setViewportSize(viewports.mobile);

    await list.getByRole('link', { name: 'Weeknight' }).tap();
    await page.getByRole('heading', { name: 'Weeknight', level: 1 }).waitFor();
    await hydrated(page);
    await page.getByRole('list', { name: 'Recipes in Weeknight' }).getByRole('link', { name: title }).waitFor();
    await page.getByRole('button', { name: 'Share a link' }).tap();
    const linkBox = page.getByLabel('Link to share');
    await linkBox.waitFor();
    const link = await linkBox.inputValue();
    expect(link).toMatch(new RegExp(`^${stack.t.baseUrl}/c/[A-Za-z0-9_-]{32}$`));
    expect(await audit(page, 'collection')).toEqual([]);
    await page.setViewportSize(viewports.mobile);

    // anyone with the link: the collection's cards, server-rendered, nothing about Cora
    const visitor = await newPage();
    const shared = await visitor.goto(link);
    expect(shared?.status()).toBe(200);
    await visitor.getByRole('heading', { name: 'Weeknight', level: 1 }).waitFor();
    await visitor.getByRole('list', { name: 'Recipes in Weeknight' }).getByRole('link', { name: title }).waitFor();
    expect(await visitor.getByText('Cora').count()).toBe(0);
    expect(await visitor.getByRole('button', { name: 'Share a link' }).count()).toBe(0);
    expect(await audit(visitor, 'shared-collection')).toEqual([]);

    // stopped: the link is a 404 page at once
    await page.getByRole('button', { name: 'Stop sharing' }).tap();
    await page.getByRole('button', { name: 'Share a link' }).waitFor();
    const revoked = await visitor.goto(link);
    expect(revoked?.status()).toBe(404);
    await visitor.getByRole('heading', { name: 'We could not find that page', level: 1 }).waitFor();
  }, 180_000);

  it('the collections page is for signed-in people: a visitor is sent to sign in', async () => {
    const page = await newPage();
    const visited: string[] = [];
    page.on('request', (r) => visited.push(r.url()));
    await page.goto(`${stack.t.baseUrl}/me/collections`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(visited.some((url) => url.includes('/auth/login?returnTo=%2Fme%2Fcollections'))).toBe(true);
  }, 60_000);

  it('no page broke the Content-Security-Policy', () => {
    expect(cspViolations).toEqual([]);
  });
});
