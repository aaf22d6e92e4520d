import { CollectionService } from '@yeet/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, data, mcpClients, text } from '../support/mcp.ts';
import { oidcFlow, type Tokens } from '../support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { recipeInput } from '../support/recipes.ts';

/** The collection tools with the SDK's own client against the real server, as an assistant uses them. */
const sessionSecret = 'mcp-collections-test-session-secret-long-enough-0';
let t: TestPlatform;
let cook: Tokens;
let other: Tokens;
const { connect, closeAll } = mcpClients(() => t.baseUrl);

beforeAll(async () => {
  t = await startTestPlatform({ ROLE: 'api', SESSION_SECRET: sessionSecret, MCP_RATE_LIMIT: '1000' });
  const flow = oidcFlow(t.baseUrl, t.config, sessionSecret);
  await flow.signUp({ email: 'first@example.com', password: 'correct horse battery staple', displayName: 'First Admin' });
  cook = await flow.signUp({ email: 'cook@example.com', password: 'a long enough passphrase', displayName: 'Cook' });
  other = await flow.signUp({ email: 'other@example.com', password: 'pink elephants dance slowly', displayName: 'Other' });
  const writer = t.recipes('chef', ['author']);
  for (const title of ['Lentil Dal', 'Beef Stew']) {
    const { recipe } = await writer.createRecipe({ recipe: recipeInput({ title }) });
    await writer.submitRecipe({ id: recipe!.id });
    await t.recipes('erin-dev', ['editor']).approveRecipe({ id: recipe!.id });
  }
  await writer.createRecipe({ recipe: recipeInput({ title: 'Secret Draft' }) });
}, 120_000);
afterAll(async () => {
  await closeAll();
  await t?.stop();
});

interface Listing {
  collections: Array<{ name: string; favourites: boolean; recipe_count: number; share_url: string | null }>;
  recipes?: Array<{ slug: string | null; title: string | null; available: boolean; url: string | null }>;
}

describe('collection tools', () => {
  it('save to Favourites and to a named collection (made when missing), list them, and take a recipe out again', async () => {
    const assistant = await connect(cook.access_token);
    expect(data(await call(assistant, 'save_recipe', { recipe: 'lentil-dal' }))).toEqual({
      recipe: 'lentil-dal',
      collection: 'Favourites',
      saved: true,
      recipe_count: 1,
    });
    const made = await call(assistant, 'save_recipe', { recipe: `${t.baseUrl}/r/beef-stew`, collection: 'Weeknight' });
    expect(text(made)).toContain('the new collection "Weeknight"');
    // letter case ignored: the same collection, not a second one
    await call(assistant, 'save_recipe', { recipe: 'lentil-dal', collection: 'weeknight' });

    const all = data<Listing>(await call(assistant, 'list_collections', {}));
    expect(all.collections).toEqual([
      { name: 'Favourites', favourites: true, recipe_count: 1, share_url: null },
      { name: 'Weeknight', favourites: false, recipe_count: 2, share_url: null },
    ]);
    const one = data<Listing>(await call(assistant, 'list_collections', { collection: 'WEEKNIGHT' }));
    expect(one.recipes?.map((r) => r.slug).sort()).toEqual(['beef-stew', 'lentil-dal']);
    expect(one.recipes?.every((r) => r.available && r.url?.startsWith(`${t.baseUrl}/r/`))).toBe(true);

    const out = data(await call(assistant, 'save_recipe', { recipe: 'lentil-dal', collection: 'Weeknight', saved: false }));
    expect(out).toMatchObject({ saved: false, recipe_count: 1 });
    expect(data(await call(assistant, 'save_recipe', { recipe: 'lentil-dal', saved: false }))).toMatchObject({ recipe_count: 0 });

    // what the assistant did is what the API shows the person
    const headers = { authorization: `Bearer ${cook.access_token}` };
    const { collections } = await t.client(CollectionService).listCollections({}, { headers });
    expect(collections.map((c) => [c.name, c.recipeCount])).toEqual([
      ['Favourites', 0],
      ['Weeknight', 1],
    ]);
  });

  it('show a shared collection’s link, and an unpublished recipe as unavailable', async () => {
    const assistant = await connect(other.access_token);
    await call(assistant, 'save_recipe', { recipe: 'beef-stew', collection: 'Sundays' });
    const headers = { authorization: `Bearer ${other.access_token}` };
    const api = t.client(CollectionService);
    const sundays = (await api.listCollections({}, { headers })).collections.find((c) => c.name === 'Sundays')!;
    const { collection } = await api.shareCollection({ id: sundays.id }, { headers });
    const { recipe } = await t.recipes().getRecipe({ key: { case: 'slug', value: 'beef-stew' } });
    await t.recipes('erin-dev', ['editor']).unpublishRecipe({ id: recipe!.id, reason: 'Needs a better photo' });

    const listing = data<Listing>(await call(assistant, 'list_collections', { collection: 'sundays' }));
    expect(listing.collections.find((c) => c.name === 'Sundays')?.share_url).toBe(`${t.baseUrl}/c/${collection!.shareToken}`);
    expect(listing.recipes).toEqual([{ slug: null, title: null, available: false, url: null }]);
    expect(text(await call(assistant, 'list_collections', { collection: 'Sundays' }))).not.toContain('Beef Stew');
  });

  it('refuse what cannot be saved, name the argument, and need a signed-in caller', async () => {
    const assistant = await connect(cook.access_token);
    const draft = await call(assistant, 'save_recipe', { recipe: 'secret-draft' });
    expect(draft.isError).toBe(true);
    expect(text(draft)).toMatch(/not found/i);
    const missing = await call(assistant, 'list_collections', { collection: 'Nope' });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toContain('collection');
    expect(text(missing)).toContain('Favourites');
    const tooLong = await call(assistant, 'save_recipe', { recipe: 'lentil-dal', collection: 'x'.repeat(61) });
    expect(tooLong.isError).toBe(true);
    expect(text(tooLong)).toContain('collection');

    const anonymous = await connect();
    const names = (await anonymous.listTools()).tools.map((tool) => tool.name);
    expect(names).not.toContain('save_recipe');
    expect(names).not.toContain('list_collections');
    const tools = (await assistant.listTools()).tools;
    expect(tools.find((tool) => tool.name === 'list_collections')?.annotations?.readOnlyHint).toBe(true);
    expect(tools.find((tool) => tool.name === 'save_recipe')?.annotations?.readOnlyHint).toBe(false);
  });
});
