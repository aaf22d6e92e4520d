import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, startWebWithoutApi, type TestPlatform } from '../support/platform.ts';
import { recipeInput } from '../support/recipes.ts';

/**
 * The files a site is expected to have: robots.txt and sitemap.xml for search engines, a
 * favicon (also where the sign-in pages are), a web app manifest with its icons.
 */
let t: TestPlatform;
let origin: string;
const published: { slug: string; updated: string }[] = [];
let draftSlug: string;

beforeAll(async () => {
  t = await startTestPlatform({ ROLE: 'all', SESSION_SECRET: 'site-files-test-session-secret-0123456789' });
  origin = t.config.publicUrl.replace(/\/$/, '');
  const author = t.recipes('alice', ['author']);
  for (const title of ['Sitemap Stew', 'Robots Risotto']) {
    const { recipe } = await author.createRecipe({ recipe: recipeInput({ title }) });
    await author.submitRecipe({ id: recipe!.id });
    const { recipe: approved } = await t.recipes('erin', ['editor']).approveRecipe({ id: recipe!.id });
    const seconds = Number(approved!.updateTime!.seconds) * 1000 + Math.floor(approved!.updateTime!.nanos / 1e6);
    published.push({ slug: approved!.slug, updated: new Date(seconds).toISOString() });
  }
  draftSlug = (await author.createRecipe({ recipe: recipeInput({ title: 'Draft Dumplings' }) })).recipe!.slug;
});
afterAll(() => t?.stop());

const get = (path: string) => fetch(`${t.baseUrl}${path}`);

describe('files for search engines', () => {
  it('robots.txt keeps crawlers out of the sign-in and API endpoints and names the sitemap at PUBLIC_URL', async () => {
    const res = await get('/robots.txt');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^User-agent: \*$/m);
    for (const path of ['/auth/', '/oidc/', '/api/']) expect(text).toContain(`Disallow: ${path}\n`);
    expect(text).toContain(`Sitemap: ${origin}/sitemap.xml`);
  });

  it('a personal page shows a crawler nothing of anyone: it is sent to the sign-in page, which is noindex', async () => {
    for (const path of ['/account', '/me/recipes', '/review', '/shopping-list', '/meal-plan']) {
      const res = await fetch(`${t.baseUrl}${path}`, { redirect: 'manual' });
      expect([302, 303, 307], path).toContain(res.status);
      expect(res.headers.get('location'), path).toMatch(/\/auth\/login/);
    }
  });

  it('sitemap.xml lists the published recipes with when they last changed, and no drafts', async () => {
    const res = await get('/sitemap.xml');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
    const xml = await res.text();
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<urlset xmlns="http:\/\/www.sitemaps.org\/schemas\/sitemap\/0.9">/,
    );
    for (const r of published)
      expect(xml).toContain(`<url><loc>${origin}/r/${r.slug}</loc><lastmod>${r.updated}</lastmod></url>`);
    expect(xml).not.toContain(draftSlug);
    const locations = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!);
    expect(locations).toContain(`${origin}/`);
    expect(locations.every((l) => l.startsWith(`${origin}/`))).toBe(true);
    expect(locations.filter((l) => l.includes('/r/'))).toHaveLength(published.length);
  });

  it('sitemap.xml asks crawlers to come back later while the API is down', async () => {
    const web = await startWebWithoutApi(t, 'site-files-test-session-secret-0123456789');
    try {
      const res = await fetch(`${web.baseUrl}/sitemap.xml`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('60');
    } finally {
      await web.stop();
    }
  });
});

describe('icons and the web app manifest', () => {
  it('/favicon.ico is an icon, also on the origin of the sign-in pages', async () => {
    // the sign-in page is the built-in issuer's, wherever /auth/login sends the browser
    const signIn = await fetch(`${t.baseUrl}/auth/login`, { redirect: 'manual' });
    const issuerPage = new URL(signIn.headers.get('location') ?? '', t.baseUrl);
    expect(issuerPage.pathname).not.toBe('/auth/login');
    const res = await fetch(`${issuerPage.origin}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 1, 0]); // an icon file
    expect(bytes.readUInt16LE(4)).toBeGreaterThanOrEqual(2); // of several sizes
  });

  it('the manifest makes the site installable, with icons that are what they say', async () => {
    const res = await get('/manifest.webmanifest');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const manifest = (await res.json()) as {
      name: string;
      start_url: string;
      display: string;
      icons: { src: string; type: string; sizes: string; purpose: string }[];
    };
    expect(manifest).toMatchObject({ name: 'Eat or Yeet', start_url: '/', display: 'standalone' });
    const sizes = manifest.icons.filter((i) => i.type === 'image/png').map((i) => `${i.sizes} ${i.purpose}`);
    expect(sizes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
    for (const icon of manifest.icons) {
      const file = await get(icon.src);
      expect(file.status, icon.src).toBe(200);
      expect(file.headers.get('content-type'), icon.src).toContain(icon.type);
      const meta = await sharp(Buffer.from(await file.arrayBuffer())).metadata();
      if (icon.sizes !== 'any') expect(`${meta.width}x${meta.height}`, icon.src).toBe(icon.sizes);
    }
  });

  it('every page links its icons and the manifest', async () => {
    const html = await (await get('/')).text();
    expect(html).toContain('<link rel="manifest" href="/manifest.webmanifest"');
    expect(html).toContain('<link rel="icon" href="/favicon.ico"');
    expect(html).toContain('<link rel="icon" href="/icon.svg" type="image/svg+xml"');
    expect(html).toContain('<link rel="apple-touch-icon" href="/apple-touch-icon.png"');
  });
});
