import { QueryClient } from '@tanstack/react-query';
import { createRouter } from '@tanstack/react-router';
import { setupRouterSsrQueryIntegration } from '@tanstack/react-router-ssr-query';
import { createApiTransport } from './lib/api';
import { routeTree } from './routeTree.gen';
import { parseSearch, stringifySearch } from './lib/query-string';

/** Called once per server request (and once in the browser): a fresh cache each time. */
export function getRouter() {
  const isServer = typeof window === 'undefined';
  const queryClient = new QueryClient({
    defaultOptions: { queries: { staleTime: 30_000, retry: isServer ? false : 1 } },
  });
  const router = createRouter({
    routeTree,
    // Plain query strings (?cuisine=a&cuisine=b), as HTML forms send them: links and
    // filters work without JavaScript and read well when shared.
    parseSearch,
    stringifySearch,
    context: { queryClient, transport: createApiTransport() },
    scrollRestoration: true,
    defaultPreload: 'intent',
  });
  setupRouterSsrQueryIntegration({ router, queryClient });
  return router;
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof getRouter>;
  }
}
