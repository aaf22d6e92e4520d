import { QueryClient } from '@tanstack/react-query';
import { createRouter } from '@tanstack/react-router';
import { createIsomorphicFn, getGlobalStartContext } from '@tanstack/react-start';
import { setupRouterSsrQueryIntegration } from '@tanstack/react-router-ssr-query';
import { isLocale, type Locale } from '@yeet/domain/locale';
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
    context: { queryClient, transport: createApiTransport(), locale: pageLocale() },
    scrollRestoration: true,
    defaultPreload: 'intent',
    ssr: { nonce: cspNonce() },
  });
  setupRouterSsrQueryIntegration({ router, queryClient });
  return router;
}

/**
 * The nonce of this response's Content-Security-Policy (apps/server/src/web.ts): the router
 * puts it on the scripts, styles and preloads it renders. The browser keeps using the one
 * the server rendered (its meta tag), for the tags the router adds later.
 */
const cspNonce = createIsomorphicFn()
  .server(() => getGlobalStartContext()?.nonce)
  .client(() => document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.content);

/**
 * The language this page is rendered in: chosen by the server for the request (apps/server/src/web.ts:
 * the `lang` cookie, then Accept-Language), and read back in the browser from `<html lang>`.
 */
const pageLocale = createIsomorphicFn()
  .server((): Locale => {
    const locale = getGlobalStartContext()?.locale;
    return isLocale(locale) ? locale : 'en';
  })
  .client((): Locale => {
    const locale = document.documentElement.lang;
    return isLocale(locale) ? locale : 'en';
  });

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof getRouter>;
  }
}
