import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, currentRevision, data, mcpClients, text } from '../support/mcp.ts';
import { oidcFlow, type Tokens } from '../support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { drained } from '../support/queue.ts';
import { recipeInput } from '../support/recipes.ts';

/**
 * The MCP server with the SDK's own client, over Streamable HTTP against the real server
 * (and once over stdio): tokens come from the built-in issuer, data from the real API.
 * Clients speak the current protocol revision (2026-07-28: server/discover, no handshake);
 * "previous protocol revisions" checks the 2025 ones with their initialize handshake.
 */
const sessionSecret = 'mcp-test-session-secret-that-is-long-enough-0123';
const root = path.resolve(import.meta.dirname, '../..');
let t: TestPlatform;
let db: pg.Client;
let editor: Tokens; // the first account: admin, so also an editor
let author: Tokens;
let reader: Tokens; // signed in, no editorial role
const { connect, clients } = mcpClients(() => t.baseUrl);

beforeAll(async () => {
  // role all: the worker indexes what the editor approves, so search sees it
  t = await startTestPlatform({ ROLE: 'all', SESSION_SECRET: sessionSecret, MCP_RATE_LIMIT: '1000' });
  const flow = oidcFlow(t.baseUrl, t.config, sessionSecret);
  editor = await flow.signUp({ email: 'erin@example.com', password: 'a long enough password', displayName: 'Erin Editor' });
  author = await flow.signUp({ email: 'ada@example.com', password: 'another long password', displayName: 'Ada Author' });
  reader = await flow.signUp({ email: 'sam@example.com', password: 'yet another long password', displayName: 'Sam Reader' });
  db = new pg.Client({ connectionString: t.database.url });
  await db.connect();
  // a small published catalogue
  const writer = t.recipes('chef', ['author']);
  for (const title of ['Chicken Tikka Masala', 'Lemon Chicken Traybake', 'Mushroom Risotto']) {
    const { recipe } = await writer.createRecipe({
      recipe: recipeInput({ title, cuisines: [title.includes('Tikka') ? 'indian' : 'italian'], servings: 4 }),
    });
    await writer.submitRecipe({ id: recipe!.id });
    await t.recipes('erin-dev', ['editor']).approveRecipe({ id: recipe!.id });
  }
  await drained(db);
}, 120_000);
afterAll(async () => {
  for (const c of clients) await c.close();
  await db?.end();
  await t?.stop();
});

const draft = {
  title: 'Midnight Miso Ramen',
  summary: 'A deep, savoury bowl for late nights.',
  ingredient_sections: [
    {
      name: 'Broth',
      ingredients: [
        { quantity: 1, unit: 'l', item: 'chicken stock' },
        { quantity: 3, unit: 'tbsp', item: 'white miso' },
      ],
    },
    {
      name: 'Bowl',
      ingredients: [
        { quantity: 2, item: 'eggs', note: 'soft-boiled' },
        { quantity: 200, unit: 'g', item: 'ramen noodles' },
      ],
    },
  ],
  steps: ['Warm the stock and whisk in the miso.', 'Cook the noodles.', 'Serve the noodles in the broth with the eggs.'],
  servings: 2,
  prep_minutes: 10,
  cook_minutes: 15,
  difficulty: 'easy',
  cuisines: ['japanese'],
  meal_types: ['dinner'],
  tags: ['noodles'],
};

const countRecipesOf = async (displayName: string) =>
  Number(
    (
      await db.query('select count(*) as n from recipes r join users u on u.id = r.author_id where u.display_name = $1', [
        displayName,
      ])
    ).rows[0].n,
  );

describe('MCP over Streamable HTTP', () => {
  it('speaks the current protocol revision: server/discover, then requests without a handshake', async () => {
    const client = await connect(author.access_token);
    expect(client.getProtocolEra()).toBe('modern');
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    const discovered = client.getDiscoverResult()!;
    expect(discovered.supportedVersions).toContain('2026-07-28');
    expect(discovered.capabilities).toMatchObject({ tools: {}, resources: {}, prompts: {} });
    expect(client.getInstructions()).toContain('As the signed-in user you can also write');
  });

  it('lists its tools to a signed-in client, each with a description and an input schema', async () => {
    const { tools } = await (await connect(author.access_token)).listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'add_meal_plan_to_shopping_list',
      'add_to_shopping_list',
      'create_recipe_draft',
      'get_meal_plan',
      'get_recipe',
      'get_shopping_list',
      'import_recipe_from_url',
      'list_audit_events',
      'list_collections',
      'list_facets',
      'list_my_recipes',
      'plan_meal',
      'rate_recipe',
      'save_recipe',
      'search_recipes',
      'submit_recipe_for_review',
      'update_recipe_draft',
    ]);
    for (const tool of tools) {
      expect(tool.description!.length).toBeGreaterThan(60);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
    }
    const create = tools.find((tool) => tool.name === 'create_recipe_draft')!;
    expect(create.inputSchema.required).toEqual(expect.arrayContaining(['title', 'servings']));
    expect(create.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });
  });

  it('searches, with typo correction and filters, and lists facets', async () => {
    const client = await connect();
    const one = await call(client, 'search_recipes', { query: 'chiken', cuisines: ['italian'] });
    expect(text(one)).toContain('Showing results for "chicken".\n1 recipe matches:');
    const found = data<{ corrected_query: string; hits: Array<{ slug: string }> }>(one);
    expect(found.corrected_query).toBe('chicken');
    expect(found.hits.map((h) => h.slug)).toEqual(['lemon-chicken-traybake']);
    // with the commonest filter values among the matches, to narrow down
    const withFacets = await call(client, 'search_recipes', { query: 'chicken' });
    const cuisines = data<{ facets: Array<{ name: string; values: Array<{ value: string; count: number }> }> }>(
      withFacets,
    ).facets.find((f) => f.name === 'cuisines');
    expect(cuisines?.values).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ value: 'indian', count: 1 }),
        expect.objectContaining({ value: 'italian', count: 1 }),
      ]),
    );
    expect(text(withFacets)).toMatch(/Among all matches:\n[\s\S]*cuisines: .*indian \(1\)/);

    const facets = data<{ facets: Array<{ name: string; values: Array<{ value: string; count: number }> }> }>(
      await call(client, 'list_facets', { query: 'chicken' }),
    );
    expect(facets.facets.find((f) => f.name === 'cuisines')?.values).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ value: 'indian', count: 1 }),
        expect.objectContaining({ value: 'italian', count: 1 }),
      ]),
    );
  });

  it('gets a recipe by slug or link, scaled to the servings asked for', async () => {
    const client = await connect();
    const result = await call(client, 'get_recipe', { recipe: `${t.baseUrl}/r/mushroom-risotto`, servings: 6 });
    const recipe = data<{
      title: string;
      servings: number;
      ingredient_sections: Array<{ ingredients: Array<{ quantity: number; text: string }> }>;
    }>(result);
    expect(recipe.title).toBe('Mushroom Risotto');
    expect(recipe.servings).toBe(6);
    // the test recipe: 800 g tomatoes for 4, scaled to a unit that reads well, as on the page
    expect(recipe.ingredient_sections[0]!.ingredients[0]).toMatchObject({
      quantity: 1.2,
      unit: 'kg',
      text: '1.2 kg tomatoes, chopped',
    });
    expect(text(result)).toContain('Serves 6 (scaled from 4)');
    expect(text(result)).toContain('- 1.2 kg tomatoes, chopped');

    // fractions stay fractions: 1 onion for 4 is ¾ onion for 3
    const three = data<{ ingredient_sections: Array<{ ingredients: Array<{ quantity: number; text: string }> }> }>(
      await call(client, 'get_recipe', { recipe: `${t.baseUrl}/r/mushroom-risotto/history`, servings: 3 }),
    );
    expect(three.ingredient_sections[0]!.ingredients[1]).toMatchObject({ quantity: 0.75, text: '¾ onion' });

    const missing = await call(client, 'get_recipe', { recipe: 'no-such-recipe' });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/^Not found/);
  });

  it('refuses to write for an anonymous client, and says how to sign in', async () => {
    const refused = call(await connect(), 'create_recipe_draft', draft);
    await expect(refused).rejects.toThrow(/signed-in person.*Authorization: Bearer/);
  });

  it('answers 401 with a WWW-Authenticate challenge to a token it does not accept', async () => {
    await expect(connect('not-a-token')).rejects.toThrow(/401|not accepted/);
    const response = await fetch(`${t.baseUrl}/mcp`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer expired.or.forged',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate');
    expect(challenge).toMatch(/^Bearer resource_metadata="[^"]+", /);
    expect(challenge).toContain('error="invalid_token", error_description="The access token was not accepted');
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('yeet token');
  });

  it('names the field when arguments are wrong, and saves nothing', async () => {
    const client = await connect(author.access_token);
    const before = await countRecipesOf('Ada Author');

    // checked by the tool's schema
    const shape = await call(client, 'create_recipe_draft', { ...draft, difficulty: 'fiendish', servings: 0 });
    expect(shape.isError).toBe(true);
    expect(text(shape)).toMatch(/^Invalid arguments/);
    expect(text(shape)).toContain('- difficulty:');
    expect(text(shape)).toContain('- servings:');
    const deep = await call(client, 'create_recipe_draft', { ...draft, steps: ['Boil.', ''] });
    expect(text(deep)).toContain('- steps[1]:');

    // checked by the API, reported with the tool's argument names
    const rules = await call(client, 'create_recipe_draft', { ...draft, prep_minutes: 30, cook_minutes: 30, total_minutes: 20 });
    expect(rules.isError).toBe(true);
    expect(text(rules)).toMatch(/^Invalid arguments/);
    expect(text(rules)).toContain('- total_minutes:');

    const nested = await call(client, 'create_recipe_draft', {
      ...draft,
      ingredient_sections: [{ ingredients: [{ quantity: 1, item: 'egg\u0000' }] }],
    });
    expect(nested.isError).toBe(true);
    expect(text(nested)).toContain('ingredient_sections[0].ingredients[0].item');

    // an argument the tool does not have is an error, not silently dropped
    const unknown = await call(client, 'create_recipe_draft', { ...draft, method: ['Boil.'] });
    expect(text(unknown)).toContain('- method: is not an argument of this tool');
    const unknownNested = await call(client, 'create_recipe_draft', {
      ...draft,
      ingredient_sections: [{ ingredients: [{ amount: 2, item: 'eggs' }] }],
    });
    expect(text(unknownNested)).toContain('- ingredient_sections[0].ingredients[0].amount: is not an argument');

    expect(await countRecipesOf('Ada Author')).toBe(before);
  });

  it('creates a draft owned by the caller, lists it, updates it and submits it for review', async () => {
    const client = await connect(author.access_token);
    const created = data<{ id: string; slug: string; status: string }>(await call(client, 'create_recipe_draft', draft));
    expect(created).toMatchObject({ slug: 'midnight-miso-ramen', status: 'draft' });
    const row = (
      await db.query('select r.status, u.display_name from recipes r join users u on u.id = r.author_id where r.id = $1', [
        created.id,
      ])
    ).rows[0];
    expect(row).toEqual({ status: 'draft', display_name: 'Ada Author' });

    const mine = data<{ recipes: Array<{ slug: string; status: string }> }>(await call(client, 'list_my_recipes', {}));
    expect(mine.recipes).toEqual([expect.objectContaining({ slug: 'midnight-miso-ramen', status: 'draft' })]);

    type Read = Record<string, unknown> & { version: number; total_minutes: number; summary: string };
    const read = async () => data<Read>(await call(client, 'get_recipe', { recipe: 'midnight-miso-ramen' }));
    const original = await read();
    expect(original.total_minutes).toBe(25); // prep + cook

    const updated = data<{ version: number }>(
      await call(client, 'update_recipe_draft', {
        recipe: `${t.baseUrl}/r/midnight-miso-ramen/edit`,
        summary: 'Deep, savoury and done in 50 minutes.',
        cook_minutes: 40,
        expected_version: original.version,
      }),
    );
    expect(updated.version).toBe(original.version + 1);
    const reread = await read();
    expect(reread.summary).toBe('Deep, savoury and done in 50 minutes.');
    expect(reread.total_minutes).toBe(50); // it was prep + cook, and follows them
    // every field not given is kept as it was
    const { summary: _s, cook_minutes: _c, total_minutes: _t, version: _v, ...rest } = reread;
    const { summary: _s0, cook_minutes: _c0, total_minutes: _t0, version: _v0, ...restBefore } = original;
    expect(rest).toEqual(restBefore);

    // an update from a stale read changes nothing
    const stale = await call(client, 'update_recipe_draft', {
      recipe: 'midnight-miso-ramen',
      title: 'Noon Ramen',
      expected_version: original.version,
    });
    expect(stale.isError).toBe(true);
    expect(text(stale)).toContain('changed by someone else');
    expect((await read()).version).toBe(updated.version);

    // nobody else but editors can see the draft: not a signed-in reader, not anonymous, not as a resource
    for (const outsider of [await connect(reader.access_token), await connect()]) {
      expect(text(await call(outsider, 'get_recipe', { recipe: 'midnight-miso-ramen' }))).toMatch(/^Not found/);
      await expect(outsider.readResource({ uri: 'recipe://midnight-miso-ramen' })).rejects.toThrow(/not found/i);
    }
    expect(data<{ recipes: unknown[] }>(await call(await connect(reader.access_token), 'list_my_recipes', {})).recipes).toEqual(
      [],
    );
    // resources are the published catalogue, even for the author
    await expect(client.readResource({ uri: 'recipe://midnight-miso-ramen' })).rejects.toThrow(/not found/i);

    const submitted = data<{ status: string }>(await call(client, 'submit_recipe_for_review', { recipe: 'midnight-miso-ramen' }));
    expect(submitted.status).toBe('in_review');
    expect((await db.query('select status from recipes where id = $1', [created.id])).rows[0].status).toBe('in_review');
    const late = await call(client, 'update_recipe_draft', { recipe: 'midnight-miso-ramen', summary: 'Too late.' });
    expect(text(late)).toMatch(/^Not possible now: "Midnight Miso Ramen" is in_review, not a draft/);
  });

  it('rates a recipe for the caller; the average updates', async () => {
    const recipe = 'lemon-chicken-traybake';
    const erin = await connect(editor.access_token);
    const ada = await connect(author.access_token);
    expect(data(await call(erin, 'rate_recipe', { recipe, stars: 5, review: 'Weeknight gold.' }))).toMatchObject({
      average: 5,
      count: 1,
    });
    expect(data(await call(ada, 'rate_recipe', { recipe, stars: 3 }))).toMatchObject({ average: 4, count: 2 });
    expect(data(await call(ada, 'rate_recipe', { recipe, stars: 4 }))).toMatchObject({ average: 4.5, count: 2 }); // re-rating replaces
    const read = data<{ rating: { average: number; count: number } }>(await call(ada, 'get_recipe', { recipe }));
    expect(read.rating).toEqual({ average: 4.5, count: 2 });
    const outOfRange = await call(ada, 'rate_recipe', { recipe, stars: 6 });
    expect(outOfRange.isError).toBe(true);
    expect(text(outOfRange)).toContain('stars');
  });

  it('offers published recipes as resources, and prompts', async () => {
    const client = await connect();
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(expect.arrayContaining(['recipe://mushroom-risotto']));
    expect(resources.map((r) => r.uri)).not.toContain('recipe://midnight-miso-ramen'); // in review
    const { contents } = await client.readResource({ uri: 'recipe://mushroom-risotto' });
    expect(contents[0]).toMatchObject({ mimeType: 'text/markdown' });
    expect(String((contents[0] as { text: string }).text)).toMatch(/^# Mushroom Risotto/);

    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(['recipe_from_text', 'review_my_draft']);
    const prompt = await client.getPrompt({
      name: 'recipe_from_text',
      arguments: { text: 'Grandma’s scones: flour, butter, milk…' },
    });
    expect(JSON.stringify(prompt.messages)).toContain('create_recipe_draft');
    expect(JSON.stringify(prompt.messages)).toContain('Grandma’s scones');
  });

  it('times every tool call like an RPC, under the tool name', async () => {
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/yeet_rpc_duration_seconds_count\{method="mcp\/search_recipes",code="ok"\} [1-9]/);
    expect(metrics).toMatch(/yeet_rpc_duration_seconds_count\{method="mcp\/create_recipe_draft",code="ok"\} [1-9]/);
    // and resource reads
    expect(metrics).toMatch(/yeet_rpc_duration_seconds_count\{method="mcp\/resources\/read",code="NotFound"\} [1-9]/);
    // so do calls whose arguments the tool's schema refuses (stars: 6) before any RPC
    expect(metrics).toMatch(/yeet_rpc_duration_seconds_count\{method="mcp\/rate_recipe",code="InvalidArgument"\} [1-9]/);
    // and the RPCs it made, through the same policy wrapper
    expect(metrics).toMatch(/yeet_rpc_duration_seconds_count\{method="yeet.v1.RecipeService\/CreateRecipe",code="ok"\} [1-9]/);
  });

  it('answers only POST: the server keeps no sessions', async () => {
    expect((await fetch(`${t.baseUrl}/mcp`)).status).toBe(405);
  });

  it('does a repeated write once, by the idempotency key given or one derived from the request', async () => {
    const client = await connect(editor.access_token);
    const { tools } = await client.listTools();
    const argsOf = (name: string) => Object.keys(tools.find((tool) => tool.name === name)!.inputSchema.properties ?? {});
    expect(argsOf('create_recipe_draft')).toContain('idempotency_key');
    expect(argsOf('search_recipes')).not.toContain('idempotency_key');

    const titled = async (title: string) =>
      Number((await db.query('select count(*) as n from recipes where title = $1', [title])).rows[0].n);
    const repeated = { ...draft, title: 'Repeated Ramen' };
    const first = data<{ id: string }>(await call(client, 'create_recipe_draft', repeated));
    const again = data<{ id: string }>(await call(client, 'create_recipe_draft', repeated));
    expect(again.id).toBe(first.id);
    expect(await titled('Repeated Ramen')).toBe(1);

    const keyed = { ...draft, title: 'Keyed Ramen', idempotency_key: 'assistant-key-1' };
    const one = data<{ id: string }>(await call(client, 'create_recipe_draft', keyed));
    expect(data<{ id: string }>(await call(client, 'create_recipe_draft', keyed)).id).toBe(one.id);
    const other = await call(client, 'create_recipe_draft', { ...keyed, title: 'Other Ramen' });
    expect(other.isError).toBe(true);
    expect(text(other)).toContain('"assistant-key-1" was already used for a different request');
    expect(await titled('Keyed Ramen')).toBe(1);
    expect(await titled('Other Ramen')).toBe(0);
  });
});

describe('MCP, previous protocol revisions', () => {
  for (const version of ['2025-06-18', '2025-11-25']) {
    it(`serves a ${version} client: initialize, tools, resources and prompts`, async () => {
      const client = await connect(author.access_token, { supportedProtocolVersions: [version] });
      expect(client.getProtocolEra()).toBe('legacy');
      expect(client.getNegotiatedProtocolVersion()).toBe(version);
      expect(client.getServerCapabilities()).toMatchObject({ tools: { listChanged: false } });
      expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('create_recipe_draft');
      const recipe = data<{ title: string }>(await call(client, 'get_recipe', { recipe: 'mushroom-risotto' }));
      expect(recipe.title).toBe('Mushroom Risotto');
      const { contents } = await client.readResource({ uri: 'recipe://mushroom-risotto' });
      expect(String((contents[0] as { text: string }).text)).toMatch(/^# Mushroom Risotto/);
      await expect(client.readResource({ uri: 'recipe://no-such-recipe' })).rejects.toThrow(/not found/i);
      const prompt = await client.getPrompt({ name: 'review_my_draft', arguments: { recipe: 'midnight-miso-ramen' } });
      expect(JSON.stringify(prompt.messages)).toContain('midnight-miso-ramen');
    });
  }
});

describe('MCP rate limit', () => {
  let limited: TestPlatform;
  beforeAll(async () => {
    limited = await startTestPlatform({ MCP_RATE_LIMIT: '3' });
  });
  afterAll(() => limited?.stop());

  it('stops a runaway caller with a clear error, per caller', async () => {
    const connectTo = async (handle: string) => {
      const client = new Client({ name: 'runaway', version: '1.0.0' }, currentRevision);
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${limited.baseUrl}/mcp`), {
          requestInit: { headers: { 'x-yeet-dev-user': handle } },
        }),
      );
      clients.push(client);
      return client;
    };
    const runaway = await connectTo('runaway');
    for (let i = 0; i < 3; i++) expect((await call(runaway, 'search_recipes', {})).isError).toBeFalsy();
    const stopped = await call(runaway, 'search_recipes', {});
    expect(stopped.isError).toBe(true);
    expect(text(stopped)).toMatch(/^Too many requests: Too many calls from you; wait \d+ s/);
    // someone else is not affected
    expect((await call(await connectTo('calm'), 'search_recipes', {})).isError).toBeFalsy();
  });
});

describe('MCP over stdio', () => {
  it('starts, lists its tools and acts with the configured token', async () => {
    const client = new Client({ name: 'desktop', version: '1.0.0' }, currentRevision);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(root, 'apps/server/src/main.ts'), 'mcp', '--stdio'],
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        API_URL: t.baseUrl,
        PUBLIC_URL: t.baseUrl,
        MCP_ACCESS_TOKEN: author.access_token,
        LOG_LEVEL: 'warn',
      },
      stderr: 'pipe',
    });
    await client.connect(transport);
    clients.push(client);
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('search_recipes');
    const mine = data<{ recipes: Array<{ slug: string }> }>(await call(client, 'list_my_recipes', {}));
    expect(mine.recipes.map((r) => r.slug)).toContain('midnight-miso-ramen');
  }, 30_000);
});

describe('list_audit_events', () => {
  it('shows an admin the audit log, read-only, and refuses anyone else', async () => {
    const author = t.recipes('mcp-audit-author', ['author']);
    const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'Audited by an assistant' }) });
    await author.submitRecipe({ id: recipe!.id });
    const admin = await connect(editor.access_token);
    const log = data<{ events: Array<{ kind: string; subject: string; actor: string }> }>(
      await call(admin, 'list_audit_events', { subject_id: recipe!.id }),
    );
    expect(log.events.map((e) => [e.kind, e.subject, e.actor])).toEqual([
      ['recipe.submit', 'Audited by an assistant', 'mcp-audit-author'],
      ['recipe.create', 'Audited by an assistant', 'mcp-audit-author'],
    ]);
    const tools = (await admin.listTools()).tools;
    expect(tools.find((tool) => tool.name === 'list_audit_events')?.annotations?.readOnlyHint).toBe(true);
    const refused = await call(await connect(reader.access_token), 'list_audit_events', {});
    expect(refused.isError).toBe(true);
  });
});

describe('shopping-list tools', () => {
  it("puts a recipe on the caller's list at the servings asked, merged, and reads the list back", async () => {
    const sam = await connect(reader.access_token);
    // recipeInput: 800 g tomatoes, 1 onion, salt to taste — for 4
    const added = data<{ servings: number; lines: Array<{ item: string; amount: string; recipes: string[] }> }>(
      await call(sam, 'add_to_shopping_list', { recipe: 'mushroom-risotto', servings: 2 }),
    );
    expect(added.servings).toBe(2);
    expect(added.lines.map((l) => [l.amount, l.item])).toEqual([
      ['400 g', 'tomatoes'],
      ['½', 'onion'],
      ['', 'salt'],
    ]);
    // at the recipe's own servings when none are asked for, merged into the same lines
    await call(sam, 'add_to_shopping_list', { recipe: 'lemon-chicken-traybake' });
    const list = await call(sam, 'get_shopping_list', {});
    const aisles = data<{ aisles: Array<{ aisle: string; lines: Array<{ item: string; amount: string; recipes: string[] }> }> }>(
      list,
    ).aisles;
    const tomatoes = aisles.flatMap((a) => a.lines).find((l) => l.item === 'tomatoes')!;
    expect(tomatoes.amount).toBe('1.2 kg');
    expect(tomatoes.recipes).toEqual(['Mushroom Risotto', 'Lemon Chicken Traybake']);
    expect(aisles.map((a) => a.aisle)).toEqual(['produce', 'spices']);
    expect(text(list)).toContain('- [ ] 1.2 kg tomatoes (Mushroom Risotto, Lemon Chicken Traybake)');
    // someone else's list is their own
    expect(data<{ aisles: unknown[] }>(await call(await connect(author.access_token), 'get_shopping_list', {})).aisles).toEqual(
      [],
    );
  });

  it('names the field when servings are out of range, says not found for an unknown recipe, and needs sign-in', async () => {
    const sam = await connect(reader.access_token);
    const range = await call(sam, 'add_to_shopping_list', { recipe: 'mushroom-risotto', servings: 101 });
    expect(range.isError).toBe(true);
    expect(text(range)).toMatch(/^Invalid arguments/);
    expect(text(range)).toContain('- servings:');
    const unknown = await call(sam, 'add_to_shopping_list', { recipe: 'no-such-recipe' });
    expect(text(unknown)).toMatch(/^Not found/);
    await expect(call(await connect(), 'get_shopping_list', {})).rejects.toThrow(/signed-in person/);
    const tools = (await sam.listTools()).tools;
    expect(tools.find((tool) => tool.name === 'get_shopping_list')?.annotations?.readOnlyHint).toBe(true);
    expect(tools.find((tool) => tool.name === 'add_to_shopping_list')?.annotations?.readOnlyHint).toBe(false);
  });
});
