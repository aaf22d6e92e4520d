import { readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Code } from '@connectrpc/connect';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { DietaryFlag, MealType, RecipeStatus, type ImportRecipeRequestSchema } from '@yeet/contract';
import { type CallToolResult, Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCostInWrites } from '../../apps/api/src/limits/rpc.ts';
import { oidcFlow } from '../support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectCode, violatedFields } from '../support/recipes.ts';
import { sharedPath } from '../support/shared.ts';

/**
 * ImportRecipe end to end: real pages of the corpus (read from ../shared, never copied here)
 * served by a local HTTP server, fetched through the SSRF guard by the API over RPC. Only this
 * test lets the loopback server through the guard (`setGuardOptions`); the defaults refuse it.
 */
const corpus = sharedPath('import-corpus', 'pages');
const sites = ['101cookbooks.com', '15gram.be', 'bbc.com', 'akispetretzikis.com'];

interface Answer {
  title: string;
  ingredients: string[];
  instructions_list: string[];
  site_name?: string;
}

const sessionSecret = 'import-test-session-secret-that-is-long-enough-01';
let t: TestPlatform;
let server: Server;
let port: number;
let photo: Buffer;
const pages = new Map<string, string>();

/** A page of our own whose photo is on the same (local) site. */
const ownPage = (image: string) => `<!doctype html><html><head><title>Leek soup | Local Kitchen</title>
<meta property="og:site_name" content="Local Kitchen">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Recipe","name":"Leek and potato soup",
"description":"A thick soup for cold days.","image":"${image}","recipeYield":"6 servings","prepTime":"PT15M","cookTime":"PT30M",
"recipeCuisine":["French","Vegetarian"],"recipeCategory":"Main course","keywords":"soup, leeks, winter","suitableForDiet":"https://schema.org/GlutenFreeDiet",
"recipeIngredient":["3 leeks, sliced","500 g potatoes, peeled","1 1/2 l vegetable stock","Salt, to taste"],
"recipeInstructions":[{"@type":"HowToStep","text":"Soften the leeks in butter for 10 minutes."},{"@type":"HowToStep","text":"Add the potatoes and stock and simmer for 20 minutes, then blend."}]}</script>
</head><body><h1>Leek and potato soup</h1></body></html>`;

beforeAll(async () => {
  photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#c06030' } })
    .jpeg()
    .toBuffer();
  if (corpus)
    for (const site of sites) pages.set(site, gunzipSync(await readFile(path.join(corpus, `${site}.html.gz`))).toString('utf8'));
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    const html = (body: string) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    const site = /^\/corpus\/(.+)$/.exec(url)?.[1];
    if (site && pages.has(site)) html(pages.get(site)!);
    else if (url === '/soup') html(ownPage('/photo.jpg'));
    else if (url === '/soup-broken-photo') html(ownPage('/not-a-photo.jpg'));
    else if (url === '/soup-photo-inside') html(ownPage('http://10.1.2.3/photo.jpg'));
    else if (url === '/photo.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo);
    else if (url === '/not-a-photo.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end('<html>nope</html>');
    else if (url === '/about')
      html('<html><head><title>About us</title></head><body><h1>About us</h1><p>We are a small team.</p></body></html>');
    else if (url === '/to-metadata') res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  t = await startTestPlatform({ DATA_DIR: `/tmp/yeet-import-test-${process.pid}`, SESSION_SECRET: sessionSecret });
  // The test server only, by name and by address: every other private address stays refused.
  t.platform.api!.importer.setGuardOptions({
    ports: [port, 80, 443],
    allowAddress: (a) => a === '127.0.0.1',
    resolve: async (host) =>
      ({ 'recipes.test': ['127.0.0.1'], 'intranet.test': ['10.0.0.7'] })[host] ?? Promise.reject(new Error('ENOTFOUND')),
  });
}, 60_000);
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await t?.stop();
  await rm(`/tmp/yeet-import-test-${process.pid}`, { recursive: true, force: true });
});

const importer = (who = 'ines') => t.recipes(who, ['author']);
const run = (req: MessageInitShape<typeof ImportRecipeRequestSchema>, who?: string) => importer(who).importRecipe(req);
const fromUrl = (url: string, preview = false) => run({ input: { case: 'url', value: url }, preview });
const local = (p: string) => `http://recipes.test:${port}${p}`;
const words = (s: string) => s.toLowerCase().match(/\p{L}{3,}/gu) ?? [];

describe('ImportRecipe from a URL (corpus pages on a local server)', () => {
  (corpus ? it : it.skip).each(sites)(
    '%s becomes a draft of the importer with its title, ingredients, steps and source',
    async (site) => {
      const answer = JSON.parse(await readFile(path.join(corpus!, `${site}.json`), 'utf8')) as Answer;
      const res = await fromUrl(local(`/corpus/${site}`));
      const recipe = res.recipe!;
      expect(recipe.id).not.toBe('');
      expect(recipe.status).toBe(RecipeStatus.DRAFT);
      expect(recipe.author?.displayName).toBe('ines');
      expect(recipe.title).toBe(answer.title);
      const ingredients = recipe.ingredientSections.flatMap((s) => s.ingredients);
      expect(ingredients).toHaveLength(answer.ingredients.length);
      // Every word of every line the page gave is in the draft (parsed, or kept whole when unsure).
      const drafted = new Set(words(ingredients.map((i) => `${i.unit} ${i.item} ${i.note}`).join(' ')));
      for (const line of answer.ingredients) for (const w of words(line)) expect(drafted, `${w} of "${line}"`).toContain(w);
      expect(recipe.steps.length).toBeGreaterThan(0);
      expect(recipe.steps.map((s) => s.text).join(' ')).toContain(answer.instructions_list[0]!.slice(0, 30).trim());
      expect(res.source?.url).toBe(local(`/corpus/${site}`));
      expect(recipe.source?.siteName).toBe(res.source?.siteName);
      expect(res.source?.siteName).not.toBe('');
      // Their photos live on the real sites, which the test's guard does not reach: listed, not fatal.
      expect(res.missingFields).toContain('cover_image');
      expect(recipe.coverImage).toBeUndefined();

      // The draft is the importer's own: kept with its source, hidden from everyone else.
      const mine = await importer().getRecipe({ key: { case: 'id', value: recipe.id } });
      expect(mine.recipe?.source?.url).toBe(local(`/corpus/${site}`));
      await expectCode(t.recipes().getRecipe({ key: { case: 'id', value: recipe.id } }), Code.NotFound);
    },
  );

  it('maps times, servings, cuisine, meal type, diet and tags, and attaches the photo through the upload pipeline', async () => {
    const res = await fromUrl(local('/soup'));
    const r = res.recipe!;
    expect(r.title).toBe('Leek and potato soup');
    expect(r.summary).toBe('A thick soup for cold days.');
    expect(r.servings).toBe(6);
    expect([r.prepMinutes, r.cookMinutes, r.totalMinutes]).toEqual([15, 30, 45]);
    expect(r.cuisines).toEqual(['french']);
    expect(r.mealTypes).toEqual([MealType.DINNER]);
    expect(r.dietaryFlags).toEqual(expect.arrayContaining([DietaryFlag.VEGETARIAN, DietaryFlag.GLUTEN_FREE]));
    expect(r.tags).toEqual(['soup', 'leeks', 'winter']);
    expect(r.ingredientSections[0]?.ingredients.map((i) => [i.quantity, i.unit, i.item, i.note])).toEqual([
      [3, '', 'leeks', 'sliced'],
      [500, 'g', 'potatoes', 'peeled'],
      [1.5, 'l', 'vegetable stock', ''],
      [undefined, '', 'Salt', 'to taste'],
    ]);
    expect(r.steps.map((s) => s.text)).toEqual([
      'Soften the leeks in butter for 10 minutes.',
      'Add the potatoes and stock and simmer for 20 minutes, then blend.',
    ]);
    expect(res.source).toMatchObject({ url: local('/soup'), siteName: 'Local Kitchen' });
    expect(res.imageUrl).toBe(local('/photo.jpg'));
    expect(res.missingFields).toEqual(['difficulty']);
    expect(r.coverImage).toMatchObject({ width: 640, height: 480 });
    expect(r.coverImage?.variants.length).toBeGreaterThan(0);
  });

  it('a preview creates nothing and fetches no photo', async () => {
    const who = 'previewer';
    const res = await fromUrl(local('/soup'), true);
    expect(res.recipe).toMatchObject({ id: '', slug: '', title: 'Leek and potato soup' });
    expect(res.recipe?.coverImage).toBeUndefined();
    expect(res.imageUrl).toBe(local('/photo.jpg'));
    expect(res.missingFields).toEqual(['difficulty']);
    const listed = await importer(who).listRecipes({ filter: { mine: true } });
    expect(listed.recipes).toHaveLength(0);
  });

  it('a photo that is not an image, or on a private address, is listed missing and the draft is still made', async () => {
    for (const p of ['/soup-broken-photo', '/soup-photo-inside']) {
      const res = await fromUrl(local(p));
      expect(res.recipe?.id).not.toBe('');
      expect(res.recipe?.coverImage).toBeUndefined();
      expect(res.missingFields).toEqual(['difficulty', 'cover_image']);
    }
  });

  it('costs ten writes of the person’s rate limit', async () => {
    const res = await fetch(`${t.baseUrl}/api/yeet.v1.RecipeService/ImportRecipe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-yeet-dev-user': 'counted', 'x-yeet-dev-roles': 'author' },
      body: JSON.stringify({ url: local('/soup'), preview: true }),
    });
    expect(res.status).toBe(200);
    const quota = t.config.rateLimits.person;
    const cost = t.config.rateLimits.costs.write * importCostInWrites;
    expect(res.headers.get('ratelimit')).toMatch(new RegExp(`^"person";r=${quota - cost};t=\\d+$`));
  });
});

describe('ImportRecipe from pasted HTML or text', () => {
  it.runIf(corpus)('reads pasted HTML with its address as the source, and relative photos against it', async () => {
    const res = await run({
      input: {
        case: 'page',
        value: { html: pages.get('101cookbooks.com')!, url: 'https://www.101cookbooks.com/broccoli-soup-with-coconut-milk/' },
      },
      preview: true,
    });
    expect(res.recipe?.title).toBe('Broccoli Soup with Coconut Milk');
    expect(res.source).toMatchObject({
      url: 'https://www.101cookbooks.com/broccoli-soup-with-coconut-milk/',
      siteName: '101 Cookbooks',
    });
  });

  it('refuses a pasted page whose address is not http(s), naming the field', async () => {
    const error = await expectCode(
      run({ input: { case: 'page', value: { html: '<h1>Toast</h1>', url: 'file:///etc/passwd' } }, preview: true }),
      Code.InvalidArgument,
    );
    expect(violatedFields(error)).toEqual(['page.url']);
  });

  it('reads pasted text through the same parser', async () => {
    const text = `Quick tomato soup\n\nIngredients\n2 tbsp olive oil\n1 onion, chopped\n800 g tinned tomatoes\n\nMethod\nWarm the oil and soften the onion for 5 minutes.\nAdd the tomatoes, simmer for 20 minutes and blend.`;
    const res = await run({ input: { case: 'text', value: text } });
    const r = res.recipe!;
    expect(r.status).toBe(RecipeStatus.DRAFT);
    expect(r.title).toBe('Quick tomato soup');
    expect(r.ingredientSections[0]?.ingredients.map((i) => `${i.quantity} ${i.unit} ${i.item}`.trim())).toEqual([
      '2 tbsp olive oil',
      '1  onion',
      '800 g tinned tomatoes',
    ]);
    expect(r.steps).toHaveLength(2);
    expect(res.source).toBeUndefined();
    expect(res.missingFields).toEqual(expect.arrayContaining(['servings', 'total_minutes', 'cover_image']));
  });
});

describe('ImportRecipe refuses, in words', () => {
  it.each(['file:///etc/passwd', 'gopher://recipes.test/soup', 'javascript:alert(1)', 'not a url at all'])(
    '%s: invalid_argument',
    async (url) => {
      const error = await expectCode(fromUrl(url), Code.InvalidArgument);
      expect(error.rawMessage).toMatch(/http|web address/);
    },
  );

  it.each([
    ['a private address', '192.168.1.20', 'a private network address'],
    ['the metadata address', '169.254.169.254', 'a link-local address (this includes the cloud metadata service)'],
    ['loopback as IPv4-mapped IPv6', '[::ffff:7f00:2]', 'this machine (loopback)'],
  ])('%s is refused without being named', async (_what, host, why) => {
    const error = await expectCode(fromUrl(`http://${host}:${port}/recipe`), Code.FailedPrecondition);
    expect(error.rawMessage).toBe(`That address points to ${why}; only pages on the public internet can be imported.`);
  });

  it('a name that resolves inside, and a redirect to the metadata service, are refused', async () => {
    const inside = await expectCode(fromUrl(`http://intranet.test:${port}/`), Code.FailedPrecondition);
    expect(inside.rawMessage).toBe(
      'intranet.test points to a private network address; only pages on the public internet can be imported.',
    );
    const redirected = await expectCode(fromUrl(local('/to-metadata')), Code.FailedPrecondition);
    expect(redirected.rawMessage).not.toMatch(/169\.254/);
  });

  it('a page without a recipe says so', async () => {
    const error = await expectCode(fromUrl(local('/about')), Code.FailedPrecondition);
    expect(error.rawMessage).toMatch(/^No recipe was found on that page/);
  });

  it('needs the author role, like writing a recipe', async () => {
    await expectCode(
      t.recipes('reader', ['user']).importRecipe({ input: { case: 'url', value: local('/soup') } }),
      Code.PermissionDenied,
    );
    await expectCode(t.recipes().importRecipe({ input: { case: 'url', value: local('/soup') } }), Code.Unauthenticated);
  });

  it('no input at all is invalid_argument', async () => {
    await expectCode(run({}), Code.InvalidArgument);
    await expectCode(run({ input: { case: 'text', value: '   ' } }), Code.InvalidArgument);
  });
});

describe('the MCP tool import_recipe_from_url', () => {
  let client: Client;
  beforeAll(async () => {
    // The first account is an admin, so also an author.
    const { access_token: token } = await oidcFlow(t.baseUrl, t.config, sessionSecret).signUp({
      email: 'mia@example.com',
      password: 'a long enough password',
      displayName: 'Mia Assistant-User',
    });
    client = new Client({ name: 'import-tests', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${t.baseUrl}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    await client.listTools(); // the client checks structured results against the output schema from now on
  });
  afterAll(() => client?.close());

  const call = async (args: Record<string, unknown>) =>
    (await client.callTool({ name: 'import_recipe_from_url', arguments: args })) as CallToolResult;
  const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

  it('previews, then saves a draft with a link to it, and says what the page did not give', async () => {
    const preview = await call({ url: local('/soup'), preview: true });
    expect(preview.isError, text(preview)).toBeFalsy();
    expect(preview.structuredContent).toMatchObject({
      preview: true,
      id: '',
      title: 'Leek and potato soup',
      source_site: 'Local Kitchen',
    });
    expect(text(preview)).toContain('nothing saved');

    const saved = await call({ url: local('/soup') });
    expect(saved.isError, text(saved)).toBeFalsy();
    const data = saved.structuredContent as { id: string; slug: string; url: string; status: string; missing_fields: string[] };
    expect(data).toMatchObject({ status: 'draft', missing_fields: ['difficulty'], url: `${t.config.publicUrl}/r/${data.slug}` });
    expect(text(saved)).toMatch(/^Draft saved: "Leek and potato soup"/);
    expect(text(saved)).toContain('- 500 g potatoes, peeled');
    const { recipe } = await t
      .recipes()
      .getRecipe({ key: { case: 'id', value: data.id } })
      .catch(() => ({ recipe: null }));
    expect(recipe, 'a draft is not public').toBeNull();
  });

  it('refuses a private address as a tool error in words', async () => {
    const refused = await call({ url: `http://10.0.0.1:${port}/` });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain('only pages on the public internet can be imported');
    expect(text(refused)).not.toContain('10.0.0.1');
  });
});
