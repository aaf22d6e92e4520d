import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserStack, hydrated } from '../support/browser-stack.ts';
import { audit, chromiumPath, signUp, viewports } from '../support/browser.ts';
import { fixtures } from '../support/images.ts';

/**
 * The rough edges a new user hit (issue 17), in a real browser against the whole stack with
 * the demo recipes: the sign-in error page, a search with no results, a page a role does not
 * reach, the draft form (errors at once, what review needs, cuisines, amounts), photos on a
 * new recipe and its steps, the working lists, and deleting a draft — axe on each new page.
 */
const stack = browserStack('rough-edges', { context: { viewport: viewports.desktop }, timeoutMs: 30_000 });
const { cspViolations } = stack;

const main = (page: Page) => page.getByRole('main');
const violations: string[] = [];
const check = async (page: Page, name: string) => violations.push(...(await audit(page, name)));

describe.skipIf(!chromiumPath)('rough edges a new user hit', () => {
  it('a sign-in that did not complete answers in the look of the sign-in pages', async () => {
    const page = await stack.newPage();
    const res = await page.goto(`${stack.t.baseUrl}/auth/callback?code=x&state=y`);
    expect(res?.status()).toBe(400);
    await page.getByRole('heading', { name: 'Sign-in did not complete' }).waitFor();
    await page.getByRole('link', { name: 'Eat or Yeet' }).waitFor();
    // styled: the card of the sign-in pages, not the browser's default page
    expect(await page.evaluate(`getComputedStyle(document.querySelector('main')).borderTopLeftRadius`)).toBe('14px');
  });

  it('a search with no results says what to change', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.t.baseUrl}/search?q=zzqxv&meal=drink&diet=vegan`);
    await hydrated(page);
    await main(page).getByRole('heading', { name: 'No recipes match “zzqxv”.' }).waitFor();
    for (const name of [
      'Remove the filter Meal: Drink',
      'Remove the filter Diet: Vegan',
      'Search “zzqxv” without any filter',
      'Keep the filters, without the words',
    ]) {
      await main(page).getByRole('link', { name }).waitFor();
    }
    await main(page).getByText('Check the spelling').waitFor();
    await check(page, 'search-no-results');
    // following one finds recipes
    await main(page).getByRole('link', { name: 'Remove the filter Diet: Vegan' }).click();
    await page.waitForURL(/meal=drink/);
    expect(page.url()).not.toContain('diet=');
    await main(page).getByRole('link', { name: 'Keep the filters, without the words' }).click();
    await page.waitForURL((url) => !url.searchParams.has('q'));
    await expect.poll(() => main(page).locator('.hits > li').count()).toBeGreaterThan(0);
  });

  it('an author: told why the review queue is closed; writes, photographs, lists and deletes a draft', async () => {
    // the first person to sign up runs the site (admin): Nadia is the second, an author
    const first = await stack.newPage();
    await first.goto(`${stack.t.baseUrl}/`);
    await signUp(first, { name: 'Ada Admin', email: 'ada@example.com', password: 'a long enough password' });
    const page = await stack.newPage();
    await page.goto(`${stack.t.baseUrl}/`);
    await signUp(page, { name: 'Nadia Newcomer', email: 'nadia@example.com', password: 'a long enough password' });

    // /review says why, with 403, instead of a silent trip home
    expect((await page.request.get(`${stack.t.baseUrl}/review`)).status()).toBe(403);
    await page.goto(`${stack.t.baseUrl}/review`);
    expect(page.url()).toBe(`${stack.t.baseUrl}/review`);
    await main(page).getByRole('heading', { name: 'The review queue is for editors' }).waitFor();
    await main(page).getByText('You are signed in as Nadia Newcomer, an author.').waitFor();
    await check(page, 'role-needed');

    // the draft form marks what review needs, and offers cuisines from the list
    await page.goto(`${stack.t.baseUrl}/new`);
    await hydrated(page);
    expect(await main(page).getByText('Needed for review').count()).toBe(6);
    const cuisine = main(page).getByLabel('Cuisine', { exact: true });
    expect(await cuisine.locator('option').allTextContents()).toContain('Middle Eastern');
    await check(page, 'new-recipe-marked');

    // every error at once: the title and the total time on the same save
    await main(page).getByLabel('Title').fill('x');
    await main(page).getByLabel('Prep (min)').fill('10');
    await main(page)
      .getByLabel(/^Total \(min\)/)
      .fill('5');
    await main(page).getByRole('button', { name: 'Save draft' }).click();
    await main(page).getByText('title needs at least 3 characters').waitFor();
    await main(page)
      .getByText(/total time must be at least prep \+ cook/i)
      .waitFor();

    // a minus is refused, naming the line; number words are amounts
    await main(page).getByLabel('Title').fill('Nadia’s Onion Soup');
    await main(page)
      .getByLabel(/^Total \(min\)/)
      .fill('');
    await main(page)
      .getByLabel(/^Ingredients/)
      .fill('-5 g salt\ntwo onions, sliced');
    await main(page).getByRole('button', { name: 'Save draft' }).click();
    await main(page).getByText('“-5 g salt”: quantity must be more than 0').waitFor();
    await main(page)
      .getByLabel(/^Ingredients/)
      .fill('5 g salt\ntwo onions, sliced');
    await main(page)
      .getByLabel(/^Method/)
      .fill('Soften the onions.\nAdd the stock and simmer.');
    await cuisine.selectOption({ label: 'Middle Eastern' });
    await main(page)
      .getByLabel(/^Cover photo \(optional\)/)
      .setInputFiles({ name: 'soup.jpg', mimeType: 'image/jpeg', buffer: await fixtures.jpeg() });
    await main(page).getByRole('button', { name: 'Save draft' }).click();

    // the new draft has its cover; its cuisine reads back as chosen
    await page.waitForURL(/\/r\/nadia-s-onion-soup\/edit\?created=1/);
    await main(page).getByText('Draft saved with its cover photo.').waitFor();
    await main(page).getByRole('img', { name: 'Current cover photo of Nadia’s Onion Soup' }).waitFor();
    await hydrated(page);
    expect(await main(page).getByLabel('Cuisine', { exact: true }).inputValue()).toBe('middle-eastern');

    // a step photo from the form
    const steps = main(page).getByRole('region', { name: 'Step photos' });
    await steps
      .getByLabel(/^Choose a photo for step 2/)
      .setInputFiles({ name: 'simmer.jpg', mimeType: 'image/jpeg', buffer: await fixtures.jpeg() });
    await steps.getByRole('img', { name: 'Current photo of step 2' }).waitFor();
    await check(page, 'edit-step-photos');

    await page.goto(`${stack.t.baseUrl}/r/nadia-s-onion-soup`);
    await main(page).getByText('2 onions, sliced').waitFor();
    await main(page).getByRole('img', { name: 'Step 2' }).waitFor();

    // My recipes: a thumbnail, the status and a date
    await page.goto(`${stack.t.baseUrl}/me/recipes`);
    const mine = main(page).getByRole('list', { name: 'My recipes' }).getByRole('listitem').filter({ hasText: 'Onion Soup' });
    await mine.getByText('Draft', { exact: true }).waitFor();
    await mine.getByText(/^Changed \d+ \w+ \d{4}$/).waitFor();
    expect(await mine.locator('img.row__thumb').count()).toBe(1);
    await check(page, 'my-recipes-rows');

    // History: the recipe at the top, like the lists
    await page.goto(`${stack.t.baseUrl}/r/nadia-s-onion-soup/history`);
    await main(page)
      .getByText(/^Written \d+ \w+ \d{4}$/)
      .waitFor();

    // Deleting leaves at once for My recipes, asking the API for nothing that is gone
    await page.goto(`${stack.t.baseUrl}/r/nadia-s-onion-soup`);
    await hydrated(page);
    const notFound: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 404) notFound.push(r.url());
    });
    const recipeCalls: string[] = [];
    let deleted = false;
    page.on('request', (r) => {
      if (r.url().includes('/DeleteRecipe')) deleted = true;
      else if (deleted && /\/(GetRecipe|ListRatings|GetRecipeHistory)$/.test(r.url())) recipeCalls.push(r.url());
    });
    await main(page).getByRole('button', { name: 'Delete draft' }).click();
    await main(page).getByRole('button', { name: 'Delete', exact: true }).click();
    await page.waitForURL(`${stack.t.baseUrl}/me/recipes`);
    await main(page).getByRole('heading', { name: 'My recipes' }).waitFor();
    expect(await main(page).getByText('Nadia’s Onion Soup').count()).toBe(0);
    expect(recipeCalls).toEqual([]);
    expect(notFound).toEqual([]);

    // A member (the admin took the author role away) is told why writing is closed, with 403
    await first.goto(`${stack.t.baseUrl}/admin/users`);
    await hydrated(first);
    await main(first).getByLabel('Find by name or email').fill('nadia');
    await main(first).getByLabel('Role of Nadia Newcomer').selectOption('user');
    // the select shows the role the server holds once it has it
    await expect.poll(() => main(first).getByLabel('Role of Nadia Newcomer').inputValue()).toBe('user');
    for (const [path, heading] of [
      ['/new', 'Writing recipes is for authors'],
      ['/me/recipes', 'Writing recipes is for authors'],
      ['/r/cacio-e-pepe/edit', 'Editing recipes is for authors'],
    ]) {
      expect((await page.request.get(`${stack.t.baseUrl}${path}`)).status(), path).toBe(403);
      await page.goto(`${stack.t.baseUrl}${path}`);
      await main(page).getByRole('heading', { name: heading }).waitFor();
      await main(page).getByText('You are signed in as Nadia Newcomer, a member.').waitFor();
    }
  }, 150_000);

  it('no page broke the rules of axe or the content security policy', () => {
    expect(violations).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
