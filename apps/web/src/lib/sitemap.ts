import { timestampDate } from '@bufbuild/protobuf/wkt';
import { createClient, type Transport } from '@connectrpc/connect';
import { RecipeService, RecipeSort, RecipeStatus } from '@yeet/contract';

/** A page for search engines: where it is (absolute) and when it last changed. */
export interface SitemapEntry {
  url: string;
  lastModified?: Date;
}

/** The most URLs one sitemap file may list (sitemaps.org). */
export const sitemapLimit = 50_000;

const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

export function sitemapXml(entries: SitemapEntry[]): string {
  const urls = entries.map(
    (e) =>
      `<url><loc>${escapeXml(e.url)}</loc>${e.lastModified ? `<lastmod>${e.lastModified.toISOString()}</lastmod>` : ''}</url>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
}

/** robots.txt: everything may be crawled but the pages of signed-in people; where the sitemap is. */
export function robotsTxt(origin: string): string {
  return [
    'User-agent: *',
    // Endpoints, not pages. Pages that need a sign-in send a crawler on to the sign-in page
    // (which says noindex), so they need no rule: a rule would only mark them uncrawlable.
    'Disallow: /auth/',
    'Disallow: /oidc/',
    'Disallow: /api/',
    '',
    `Sitemap: ${origin}/sitemap.xml`,
    '',
  ].join('\n');
}

/** The home page, the recipe index and every published recipe (newest first), as sitemap entries. */
export async function publishedPages(transport: Transport, origin: string, signal?: AbortSignal): Promise<SitemapEntry[]> {
  const client = createClient(RecipeService, transport);
  const entries: SitemapEntry[] = [{ url: `${origin}/` }, { url: `${origin}/search` }];
  let pageToken = '';
  do {
    const page = await client.listRecipes(
      { filter: { status: RecipeStatus.PUBLISHED }, sort: RecipeSort.NEWEST, pageSize: 100, pageToken },
      { signal },
    );
    for (const r of page.recipes) {
      const changed = r.updateTime ?? r.publishTime;
      entries.push({
        url: `${origin}/r/${encodeURIComponent(r.slug)}`,
        lastModified: changed ? timestampDate(changed) : undefined,
      });
    }
    pageToken = page.nextPageToken;
  } while (pageToken && entries.length < sitemapLimit);
  return entries.slice(0, sitemapLimit);
}
