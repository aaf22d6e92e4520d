/// <reference types="vite/client" />
import type { Transport } from '@connectrpc/connect';
import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, HeadContent, Outlet, Scripts } from '@tanstack/react-router';
import { type ReactNode, useEffect } from 'react';
import { Page, SiteFooter, SiteHeader } from '../components/layout';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { IconSprites } from '../components/recipe-card';
import { meQuery, useMe, viewerInBrowser } from '../lib/api';
import { defineMessages, LocaleContext, loadLocale, type Locale, messagesIn } from '../lib/i18n';
import { rememberPageKind } from '../lib/shared-pages';
import appCss from '../styles/app.css?url';
import darkCss from '../styles/dark.css?url';

const messages = defineMessages('site', {
  title: 'Eat or Yeet — recipes worth cooking',
  description: 'Find, cook and rate recipes reviewed by people who cook.',
});

export interface RouterContext {
  queryClient: QueryClient;
  transport: Transport;
  /** The language of this page (router.tsx): fixed for its life, the switch reloads it. */
  locale: Locale;
}

export const Route = createRootRouteWithContext<RouterContext>()({
  // Who is signed in, for the header; a failure here must not take the page down. On the page
  // shared by every signed-in reader the browser asks instead (useMe: undefined until then).
  loader: async ({ context: { queryClient, transport, locale } }) => {
    const [me] = await Promise.all([
      viewerInBrowser() ? null : queryClient.ensureQueryData(meQuery(transport)).catch(() => null),
      // The page's language before it renders (in the browser, client.tsx has loaded it already).
      loadLocale(locale),
    ]);
    return me;
  },
  head: ({ match }) => ({
    meta: [
      { charSet: 'utf-8' },
      { name: 'viewport', content: 'width=device-width, initial-scale=1' },
      { name: 'theme-color', content: '#b4380f' },
      { title: messagesIn(messages, match.context.locale).title },
      { name: 'description', content: messagesIn(messages, match.context.locale).description },
    ],
    links: [
      { rel: 'stylesheet', href: appCss },
      // not waited for by a light-mode browser, and never printed; its `color-scheme: dark`
      // draws form controls and scrollbars dark (no meta tag: bytes on every page for nothing)
      { rel: 'stylesheet', href: darkCss, media: '(prefers-color-scheme: dark)' },
      // drawn by scripts/icons.ts, served from apps/web/public
      { rel: 'icon', href: '/favicon.ico', sizes: '48x48' },
      { rel: 'icon', href: '/icon.svg', type: 'image/svg+xml' },
      { rel: 'apple-touch-icon', href: '/apple-touch-icon.png' },
      { rel: 'manifest', href: '/manifest.webmanifest' },
    ],
  }),
  component: () => (
    <Shell>
      <Outlet />
    </Shell>
  ),
  errorComponent: (props) => (
    <Shell>
      <ErrorPage {...props} />
    </Shell>
  ),
  notFoundComponent: NotFoundPage,
});

function Shell({ children }: { children: ReactNode }) {
  const me = useMe();
  const { locale } = Route.useRouteContext();
  // in the browser only: tells the server which public pages this browser's person can share
  useEffect(() => rememberPageKind(me), [me]);
  return (
    <html lang={locale}>
      <head>
        <HeadContent />
      </head>
      <body>
        <LocaleContext.Provider value={locale}>
          <SiteHeader me={me} />
          <Page>{children}</Page>
          <SiteFooter />
          <IconSprites />
        </LocaleContext.Provider>
        <Scripts />
      </body>
    </html>
  );
}
