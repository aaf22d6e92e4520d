import { createFileRoute } from '@tanstack/react-router';
import { createApiTransport, publicOrigin } from '../lib/api';
import { publishedPages, sitemapXml } from '../lib/sitemap';

/** /sitemap.xml: the published recipes with when each last changed, at PUBLIC_URL. */
export const Route = createFileRoute('/sitemap.xml')({
  server: {
    handlers: {
      GET: async ({ request }) => {
        const entries = await publishedPages(createApiTransport(), publicOrigin(), request.signal);
        return new Response(sitemapXml(entries), {
          // crawlers come back now and then; an hour old is fresh enough for them
          headers: { 'content-type': 'application/xml; charset=utf-8', 'cache-control': 'public, max-age=3600' },
        });
      },
    },
  },
});
