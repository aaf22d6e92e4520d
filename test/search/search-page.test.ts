import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { DietaryFlag, SearchService } from '@yeet/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { eventually } from '../support/queue.ts';
import { recipeInput } from '../support/recipes.ts';

// The web search page shows the filters read from the words as chips that remove them.
let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform({ ROLE: 'all' });
  const author = t.recipes('alice', ['author']);
  const editor = t.recipes('erin', ['editor']);
  const { recipe } = await author.createRecipe({
    recipe: recipeInput({ title: 'Green Chutney', prepMinutes: 10, cookMinutes: 0, dietaryFlags: [DietaryFlag.VEGAN] }),
  });
  await author.submitRecipe({ id: recipe!.id });
  await editor.approveRecipe({ id: recipe!.id });
  const search = createClient(SearchService, createConnectTransport({ baseUrl: `${t.baseUrl}/api`, httpVersion: '1.1' }));
  expect(await eventually(async () => (await search.searchRecipes({ query: 'chutney' })).totalSize === 1)).toBe(true);
});
afterAll(async () => {
  await t?.stop();
});

describe('the search page', () => {
  it('shows "quick vegan" as two chips, each linking to the search without its word', async () => {
    const html = await (await fetch(`${t.baseUrl}/search?q=quick%20vegan`)).text();
    expect(html).toContain('Green Chutney');
    const chips = [...html.matchAll(/<a[^>]*class="chip chip--link"[^>]*>(.*?)<\/a>/g)].map((m) => m[0]);
    expect(chips).toHaveLength(2);
    expect(chips[0]).toMatch(/href="\/search\?q=vegan"/);
    expect(chips[0]).toContain('Quick (30 min or less)');
    expect(chips[1]).toMatch(/href="\/search\?q=quick"/);
    expect(chips[1]).toContain('Vegan');
  });
});
