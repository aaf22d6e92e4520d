import { createFileRoute } from '@tanstack/react-router';
import { createApiTransport, isUnavailable, publicOrigin } from '../lib/api';
import { publishedPages, sitemapXml } from '../lib/sitemap';

/** /sitemap.xml: the published recipes with when each last changed, at PUBLIC_URL. */
export const Route = createFileRoute('/sitemap.xml')({
  server: {
    handlers: {
      GET: async ({ request }) => {
        let entries: Awaited<ReturnType<typeof publishedPages>>;
        try {
          entries = await publishedPages(createApiTransport(), publicOrigin(), request.signal);
        } catch (error) {
          if (!isUnavailable(error)) throw error;
          // crawlers understand 503 with Retry-After as "come back later", keeping what they have
          return new Response('The recipe list is unavailable for a moment; try again in a minute.\n', {
            status: 503,
            headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '60' },
          });
        }
        return new Response(sitemapXml(entries), {
          // crawlers come back now and then; an hour old is fresh enough for them
          headers: { 'content-type': 'application/xml; charset=utf-8', 'cache-control': 'public, max-age=3600' },
        });
      },
    },
  },
});
