import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, chromiumPath, launchBrowser, pageTimeoutMs, signUp } from '../support/browser.ts';
import { watchContentSecurityPolicy } from '../support/csp.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { sharedPath } from '../support/shared.ts';

/**
 * The import page in a real browser against the real stack (`--role all`): an author reads a
 * recipe page from a local site (let through the SSRF guard by this test only), sees what was
 * found and what was not, creates the draft and finds "Adapted from" on the recipe. Errors are
 * words under the field; the preview also renders without JavaScript. axe-core checks each state.
 */
let t: TestPlatform;
let browser: Browser;
let server: Server;
let port: number;
const contexts: BrowserContext[] = [];
const violations: string[] = [];
const cspViolations: string[] = [];

const soup = (image: string) => `<!doctype html><html><head><title>Leek soup | Local Kitchen</title>
<meta property="og:site_name" content="Local Kitchen">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Recipe","name":"Leek and potato soup",
"description":"A thick soup for cold days.","image":"${image}","recipeYield":"6 servings","totalTime":"PT45M",
"recipeCuisine":"French","recipeCategory":"Dinner","recipeIngredient":["3 leeks, sliced","500 g potatoes, peeled"],
"recipeInstructions":[{"@type":"HowToStep","text":"Soften the leeks in butter for 10 minutes."},{"@type":"HowToStep","text":"Add the potatoes and stock, simmer for 20 minutes, then blend."}]}</script>
</head><body><h1>Leek and potato soup</h1></body></html>`;

beforeAll(async () => {
  if (!chromiumPath) return;
  const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#7a9a40' } })
    .jpeg()
    .toBuffer();
  server = createServer((req, res) => {
    if (req.url === '/soup') res.writeHead(200, { 'content-type': 'text/html' }).end(soup('/photo.jpg'));
    else if (req.url === '/photo.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo);
    else if (req.url === '/about') res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>About</h1><p>Who we are.</p>');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  t = await startTestPlatform({
    ROLE: 'all',
    SESSION_SECRET: 'e2e-import-session-secret-0123456789abcdef',
    DEV_AUTH: 'false',
    DATA_DIR: `/tmp/yeet-e2e-import-${process.pid}`,
  });
  t.platform.api!.importer.setGuardOptions({
    ports: [port],
    allowAddress: (a) => a === '127.0.0.1',
    resolve: async (host) => (host === 'kitchen.test' ? ['127.0.0.1'] : Promise.reject(new Error('ENOTFOUND'))),
  });
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await t?.stop();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

async function newPage(options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  contexts.push(context);
  await watchContentSecurityPolicy(context, cspViolations);
  const page = await context.newPage();
  page.setDefaultTimeout(pageTimeoutMs);
  return page;
}

const check = async (page: Page, name: string) => violations.push(...(await audit(page, name)));
const page = (p: string) => `http://kitchen.test:${port}${p}`;
let author: Page;

describe.skipIf(!chromiumPath)('importing a recipe in a real browser', () => {
  it('an author reads a page, sees what was found and missing, and creates the draft', async () => {
    author = await newPage();
    await author.goto(`${t.baseUrl}/`);
    // The first account is an admin, so also an author.
    await signUp(author, { name: 'Ines Importer', email: 'ines@example.com', password: 'a long enough password' });
    await author.goto(`${t.baseUrl}/new`);
    await author.getByRole('link', { name: 'Import it from the link' }).click();
    await author.getByRole('heading', { name: 'Import a recipe' }).waitFor();
    await check(author, 'import');

    await author.getByLabel(/Address of the recipe page/).fill(page('/soup'));
    await author.getByRole('button', { name: 'Read the page' }).click();
    await author.getByRole('heading', { name: 'Found: Leek and potato soup' }).waitFor();
    const found = author.getByRole('region', { name: 'Found: Leek and potato soup' });
    await expect(found.getByRole('link', { name: 'Local Kitchen' }).getAttribute('href')).resolves.toBe(page('/soup'));
    expect(await found.textContent()).toContain('500 g potatoes, peeled');
    expect(await found.textContent()).toContain('Not on the pagePrep time, cook time, dietary labels, tags, difficulty.');
    await check(author, 'import-preview');

    await author.getByRole('button', { name: 'Create draft' }).click();
    await author.waitForURL(/\/r\/leek-and-potato-soup\/edit\?created=1$/);
    await author.getByRole('main').getByText('Draft saved with its cover photo.').waitFor();
    await author.goto(`${t.baseUrl}/r/leek-and-potato-soup`);
    const adapted = author.getByText('Adapted from');
    await adapted.waitFor();
    expect(await adapted.getByRole('link', { name: 'Local Kitchen' }).getAttribute('href')).toBe(page('/soup'));
    // The photo came through the upload pipeline: a signed image of ours, not the other site's.
    const cover = author.getByAltText('Leek and potato soup, as served');
    expect(await cover.getAttribute('src')).toContain('/_img/');
  }, 90_000);

  it('says in words why a page cannot be imported, at the field', async () => {
    await author.goto(`${t.baseUrl}/import`);
    await author.getByLabel(/Address of the recipe page/).fill(`http://10.0.0.1:${port}/recipe`);
    await author.getByRole('button', { name: 'Read the page' }).click();
    const error = author.locator('#import-url-error');
    await error.waitFor();
    expect(await error.textContent()).toBe(
      'That address points to a private network address; only pages on the public internet can be imported.',
    );
    expect(await author.getByLabel(/Address of the recipe page/).getAttribute('aria-invalid')).toBe('true');
    await author.getByLabel(/Address of the recipe page/).fill(page('/about'));
    await author.getByRole('button', { name: 'Read the page' }).click();
    await author.getByText(/^No recipe was found on that page/).waitFor();
    await check(author, 'import-error');
  }, 60_000);

  // A real page of the corpus (read from ../shared, never copied here), ~140 kB.
  const corpusPage = sharedPath('import-corpus', 'pages', '101cookbooks.com.html.gz');
  it.runIf(corpusPage)(
    'reads a whole page pasted as HTML (too long for an address: sent by POST)',
    async () => {
      const html = gunzipSync(await readFile(corpusPage!)).toString('utf8');
      await author.goto(`${t.baseUrl}/import`);
      await author.getByLabel(/^The recipe/).fill(html);
      await author.getByRole('button', { name: 'Read the text' }).click();
      const found = author.getByRole('region', { name: 'Found: Broccoli Soup with Coconut Milk' });
      await found.waitFor();
      expect(await found.textContent()).toContain('3 cloves garlic, smashed');
      expect(author.url()).toBe(`${t.baseUrl}/import`);
    },
    60_000,
  );

  it('renders the preview without JavaScript', async () => {
    const plain = await newPage({ javaScriptEnabled: false, storageState: await author.context().storageState() });
    await plain.goto(`${t.baseUrl}/import?url=${encodeURIComponent(page('/soup'))}`);
    await plain.getByRole('heading', { name: 'Found: Leek and potato soup' }).waitFor();
    expect(await plain.getByRole('main').textContent()).toContain('Creating the draft needs JavaScript');
  });

  it('had no accessibility or content-security violations', () => {
    expect(violations).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
