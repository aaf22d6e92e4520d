import { createFileRoute } from '@tanstack/react-router';
import { publicOrigin } from '../lib/api';
import { robotsTxt } from '../lib/sitemap';

/** /robots.txt, naming the sitemap at PUBLIC_URL. */
export const Route = createFileRoute('/robots.txt')({
  server: {
    handlers: {
      GET: () =>
        new Response(robotsTxt(publicOrigin()), {
          headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'public, max-age=86400' },
        }),
    },
  },
});
