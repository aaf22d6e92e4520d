import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, chromiumPath, launchBrowser, pageTimeoutMs, signUp } from '../support/browser.ts';
import { watchContentSecurityPolicy } from '../support/csp.ts';
import { fixtures } from '../support/images.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * The product in a real browser against the real stack (`--role all`: API, web, worker and
 * image resizer in one process, the built-in issuer, the demo recipes): a visitor searches
 * and cooks, an author writes and submits, an editor rejects then approves, the recipe is
 * found by search and rated. Every page type is checked with axe-core on the way, and
 * screenshots land in test-results/screenshots.
 */
let t: TestPlatform;
let browser: Browser;
const contexts: BrowserContext[] = [];
const violations: string[] = [];
const cspViolations: string[] = [];

const title = 'Midnight Miso Ramen';
const editorNote = 'Add how long to simmer the broth, please.';

beforeAll(async () => {
  if (!chromiumPath) return;
  t = await startTestPlatform({
    ROLE: 'all',
    SEED_DEMO: 'always',
    SESSION_SECRET: 'e2e-journey-session-secret-0123456789abcdef',
    DEV_AUTH: 'false',
  });
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await t?.stop();
});

async function newPage(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  contexts.push(context);
  await watchContentSecurityPolicy(context, cspViolations);
  const page = await context.newPage();
  page.setDefaultTimeout(pageTimeoutMs);
  return page;
}

const main = (page: Page) => page.getByRole('main');
const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim();
const check = async (page: Page, name: string) => violations.push(...(await audit(page, name)));

let visitor: Page;
let author: Page;
let editor: Page;

describe.skipIf(!chromiumPath)('a recipe from search to plate, in a real browser', () => {
  it('a visitor searches with a typo and a facet, opens a recipe and scales it', async () => {
    visitor = await newPage();
    const apiCalls: string[] = [];
    visitor.on('request', (r) => {
      if (r.url().includes('/api/')) apiCalls.push(`${r.method()} ${new URL(r.url()).pathname}`);
    });
    await visitor.goto(`${t.baseUrl}/`);
    await check(visitor, 'home');

    // Suggestions appear while typing.
    const box = visitor.getByRole('combobox', { name: 'Search recipes' });
    await box.fill('lemongr');
    await visitor.getByRole('option', { name: /Lemongrass Chicken/ }).waitFor();

    // A typo still finds the chicken recipes, and says what it searched for.
    await box.fill('chiken');
    await box.press('Enter');
    await visitor.waitForURL(/\/search\?q=chiken/);
    await main(visitor).getByText('Showing results for chicken').waitFor();
    await check(visitor, 'search');

    // A facet narrows the results; the state is in the URL.
    const hits = main(visitor)
      .getByRole('list', { name: /recipe/ })
      .getByRole('heading');
    const unfiltered = await hits.allTextContents();
    expect(unfiltered).toContain('Jerk Chicken Thighs');
    const filters = visitor.getByRole('navigation', { name: 'Filters' });
    const thai = filters.getByRole('link', { name: /^Thai\b/ });
    // rarer values sit behind "n more", as a visitor would find them
    if (!(await thai.isVisible())) await filters.getByText(/\d+ more cuisine filters/).click();
    await thai.click();
    await visitor.waitForURL(/cuisine=thai/);
    await expect.poll(() => hits.allTextContents()).not.toContain('Jerk Chicken Thighs');
    expect(await hits.allTextContents()).toContain('Thai Green Chicken Curry');

    // Typing updates the results in place, without a page load.
    await visitor.evaluate('window.stillHere = true');
    await visitor.getByRole('combobox', { name: 'Search recipes' }).fill('zzzqqq');
    await main(visitor)
      .getByRole('heading', { name: /No recipes match/ })
      .waitFor();
    expect(await visitor.evaluate('window.stillHere')).toBe(true);
    // Reads go as GET, which a proxy may retry on another replica; never a POST it cannot replay.
    expect(apiCalls).toContain('GET /api/yeet.v1.SearchService/SearchRecipes');
    expect(apiCalls.filter((c) => c.startsWith('POST'))).toEqual([]);
    await check(visitor, 'search-empty');
    await main(visitor).getByRole('link', { name: 'Remove the filter Cuisine: Thai' }).click();
    await visitor.waitForURL((url) => !url.search.includes('cuisine'));

    // Open the recipe and cook for five instead of four: 6 chillies become 7½.
    await visitor.goto(`${t.baseUrl}/search?q=chiken&cuisine=thai`);
    await main(visitor).getByRole('link', { name: 'Thai Green Chicken Curry' }).click();
    await visitor.waitForURL(/\/r\/thai-green-chicken-curry$/);
    await main(visitor).getByRole('heading', { level: 1, name: 'Thai Green Chicken Curry' }).waitFor();
    expect(await text(visitor, '.ingredients__amount')).toBe('6');
    await visitor.getByRole('button', { name: 'More servings (5)' }).click();
    await visitor.waitForURL(/servings=5/);
    expect(await text(visitor, '.ingredients__amount')).toBe('7½');
    await main(visitor).getByText('Quantities scaled from 4 to 5 servings.').waitFor();
    await check(visitor, 'recipe');

    // Shared links carry structured data and a preview.
    const jsonLd = JSON.parse((await visitor.locator('script[type="application/ld+json"]').textContent()) ?? '{}');
    expect(jsonLd).toMatchObject({ '@type': 'Recipe', name: 'Thai Green Chicken Curry', recipeYield: '4 servings' });
    expect(await visitor.locator('meta[property="og:image"]').getAttribute('content')).toMatch(/\/_img\//);

    await visitor.goto(`${t.baseUrl}/r/no-such-recipe`);
    await main(visitor).getByRole('heading', { name: 'We could not find that page' }).waitFor();
    await check(visitor, 'not-found');
  }, 120_000);

  it('reading and searching work without JavaScript', async () => {
    const plain = await newPage({ javaScriptEnabled: false });
    await plain.goto(`${t.baseUrl}/`);
    await plain.getByRole('combobox', { name: 'Search recipes' }).fill('curry');
    await plain.getByRole('button', { name: 'Search' }).click();
    await plain.waitForURL(/\/search\?q=curry/);
    await main(plain).getByRole('link', { name: 'Thai Green Chicken Curry' }).click();
    await plain.getByRole('button', { name: 'More servings (5)' }).click();
    await plain.waitForURL(/servings=5/);
    expect(await text(plain, '.ingredients__amount')).toBe('7½');
  }, 60_000);

  it('an author signs up, writes a recipe with a photo and submits it', async () => {
    // The first account is the admin (and so an editor); everyone after is an author.
    editor = await newPage();
    await editor.goto(`${t.baseUrl}/`);
    await signUp(editor, { name: 'Erin Editor', email: 'erin@example.com', password: 'a long and careful passphrase' });

    author = await newPage();
    await author.goto(`${t.baseUrl}/`);
    await author.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Create account' }).click();
    await author.getByRole('heading', { name: 'Create an account' }).waitFor();
    await check(author, 'sign-up');
    await author.goBack();
    await signUp(author, { name: 'Ada Author', email: 'ada@example.com', password: 'analytical engines run on recipes' });

    await nav(author).getByRole('link', { name: 'New recipe' }).click();
    await author.waitForURL(/\/new$/);
    await author.getByRole('button', { name: 'Save draft' }).click();
    await author.getByRole('alert').getByText('Fix the fields marked below').waitFor();
    await check(author, 'new-recipe-errors');
    await author.getByLabel('Title').fill(title);
    await author.getByLabel('Summary').fill('A deep, savoury bowl for late nights: miso broth, noodles and a jammy egg.');
    await author
      .getByLabel(/^Ingredients/)
      .fill(
        'Broth:\n1 l chicken stock\n3 tbsp white miso\n\nBowl:\n2 nests ramen noodles\n2 eggs, soft-boiled\n2 spring onions, sliced',
      );
    await author
      .getByLabel(/^Method/)
      .fill('Warm the stock and whisk in the miso.\nCook the noodles.\nServe the noodles in the broth with the eggs and onions.');
    await author.getByLabel('Servings').fill('2');
    await author.getByLabel('Prep (min)').fill('10');
    await author.getByLabel('Cook (min)').fill('15');
    await author.getByLabel('Difficulty').selectOption({ label: 'Easy' });
    await author.getByLabel('Dinner').check();
    await author.getByLabel('Cuisine', { exact: true }).selectOption({ label: 'Japanese' });
    await author.getByLabel(/^Tags/).fill('noodles, late-night');
    await author.getByRole('button', { name: 'Save draft' }).click();

    // On to the photo: it uploads with progress and is checked by the server.
    await author.waitForURL(/\/r\/midnight-miso-ramen\/edit\?created=1/);
    await main(author).getByText('Draft saved.').waitFor();
    await main(author)
      .getByRole('region', { name: 'Cover photo' })
      .getByLabel(/^Choose a photo/)
      .setInputFiles({ name: 'ramen.jpg', mimeType: 'image/jpeg', buffer: await fixtures.jpeg() });
    await main(author).getByText('Photo saved.').waitFor();
    await main(author)
      .getByRole('img', { name: `Current cover photo of ${title}` })
      .waitFor();
    await check(author, 'edit-recipe');

    await main(author).getByRole('link', { name: '← Back to the recipe' }).click();
    await author.waitForURL(/\/r\/midnight-miso-ramen$/);
    await main(author)
      .getByRole('img', { name: `${title}, as served` })
      .waitFor();
    await main(author).getByText('This recipe is a draft').waitFor();
    await check(author, 'recipe-draft-owner');
    await main(author).getByRole('button', { name: 'Submit for review' }).click();
    await main(author).getByText('Submitted for review.').waitFor();
    await main(author).getByText('waiting for an editor’s review').waitFor();

    await nav(author).getByRole('link', { name: 'My recipes' }).click();
    const mine = main(author).getByRole('list', { name: 'My recipes' });
    await mine.getByText(title).waitFor();
    await mine.getByText('In review', { exact: true }).waitFor();
    await check(author, 'my-recipes');
  }, 120_000);

  it('an editor sends it back with a note; the author fixes it and submits again', async () => {
    await nav(editor).getByRole('link', { name: 'Review' }).click();
    await editor.waitForURL(/\/review$/);
    await check(editor, 'review-queue');
    await main(editor).getByRole('link', { name: title }).click();
    await main(editor).getByRole('button', { name: 'Reject…' }).click();
    await main(editor).getByRole('button', { name: 'Reject', exact: true }).click();
    await main(editor).getByText('Give a reason when a recipe is rejected').waitFor();
    await check(editor, 'reject-form');
    await main(editor)
      .getByLabel(/What should the author change/)
      .fill(editorNote);
    await main(editor).getByRole('button', { name: 'Reject', exact: true }).click();
    await main(editor).getByText('Sent back to the author').waitFor();

    await author.goto(`${t.baseUrl}/r/midnight-miso-ramen`);
    await main(author).getByText(editorNote).waitFor();
    await main(author).getByRole('link', { name: 'Edit', exact: true }).click();
    await author.waitForURL(/\/edit$/);
    await author
      .getByLabel(/^Method/)
      .fill(
        'Warm the stock and whisk in the miso; simmer for 10 minutes.\nCook the noodles.\nServe the noodles in the broth with the eggs and onions.',
      );
    await author.getByRole('button', { name: 'Save changes' }).click();
    await author.waitForURL(/\/r\/midnight-miso-ramen$/);
    // The address changes as the recipe page starts loading; the form, which quotes the same
    // step, stays on screen until the page is there (its actions panel is the page's own).
    const submit = main(author).getByRole('button', { name: 'Submit for review' });
    await submit.waitFor();
    await main(author).getByText('simmer for 10 minutes').waitFor();
    await submit.click();
    await main(author).getByText('Submitted for review.').waitFor();

    await main(author).getByRole('link', { name: 'History' }).click();
    await author.waitForURL(/\/history$/);
    await main(author).getByText(`“${editorNote}”`).waitFor();
    await check(author, 'history');
  }, 90_000);

  it('the editor approves; the recipe becomes searchable; a reader rates it', async () => {
    await editor.goto(`${t.baseUrl}/review`);
    await main(editor).getByRole('link', { name: title }).click();
    await main(editor).getByRole('button', { name: 'Approve and publish' }).click();
    await main(editor).getByText('Approved: the recipe is published.').waitFor();

    // The search index follows through the job queue.
    await expect
      .poll(
        async () => {
          await visitor.goto(`${t.baseUrl}/search?q=${encodeURIComponent('midnight ramen')}`);
          return main(visitor).getByRole('link', { name: title }).count();
        },
        { timeout: 15_000, interval: 250 },
      )
      .toBe(1);

    // A reader (the editor here; authors cannot rate their own) rates, then changes their mind.
    await editor.reload();
    const summary = editor.getByTestId('rating-summary');
    await summary.getByText('No ratings yet', { exact: true }).waitFor();
    await main(editor).locator('label', { hasText: '5 stars' }).click();
    await main(editor)
      .getByLabel(/^Review/)
      .fill('Exactly what I wanted at 1 a.m.');
    await main(editor).getByRole('button', { name: 'Save rating' }).click();
    await main(editor).getByText('your rating is saved').waitFor();
    await summary.getByRole('img', { name: '5.0 out of 5 (1 rating)' }).waitFor();
    await main(editor).locator('label', { hasText: '4 stars' }).click();
    await main(editor).getByRole('button', { name: 'Update rating' }).click();
    await summary.getByRole('img', { name: '4.0 out of 5 (1 rating)' }).waitFor();
    await check(editor, 'recipe-signed-in');

    // Everyone sees the new average.
    await visitor.goto(`${t.baseUrl}/r/midnight-miso-ramen`);
    await visitor.getByTestId('rating-summary').getByRole('img', { name: '4.0 out of 5 (1 rating)' }).waitFor();
    await main(visitor).getByText('Exactly what I wanted at 1 a.m.').waitFor();
  }, 90_000);

  it('account and admin pages pass the accessibility check too', async () => {
    await nav(editor)
      .getByRole('link', { name: /Erin Editor/ })
      .click();
    await editor.waitForURL(/\/account$/);
    await check(editor, 'account');
    await nav(editor).getByRole('link', { name: 'Users' }).click();
    await editor.waitForURL(/\/admin\/users$/);
    await main(editor).getByRole('cell', { name: 'Ada Author', exact: true }).waitFor();
    await check(editor, 'admin-users');
  }, 60_000);

  it('has no WCAG 2.1 A or AA violations on any page checked', () => {
    expect(violations).toEqual([]);
  });

  it('no page, image, upload or API call met its Content-Security-Policy', () => {
    expect(cspViolations).toEqual([]);
  });
});
