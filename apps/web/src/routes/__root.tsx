/// <reference types="vite/client" />
import type { Transport } from '@connectrpc/connect';
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, HeadContent, Outlet, Scripts, useRouteContext } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { Page, SiteFooter, SiteHeader } from '../components/layout';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { IconSprites } from '../components/recipe-card';
import { meQuery } from '../lib/api';
import appCss from '../styles/app.css?url';

export interface RouterContext {
  queryClient: QueryClient;
  transport: Transport;
}

export const Route = createRootRouteWithContext<RouterContext>()({
  // Who is signed in, for the header; a failure here must not take the page down.
  loader: ({ context: { queryClient, transport } }) => queryClient.ensureQueryData(meQuery(transport)).catch(() => null),
  head: () => ({
    meta: [
      { charSet: 'utf-8' },
      { name: 'viewport', content: 'width=device-width, initial-scale=1' },
      { name: 'theme-color', content: '#b4380f' },
      { title: 'Eat or Yeet — recipes worth cooking' },
      { name: 'description', content: 'Find, cook and rate recipes reviewed by people who cook.' },
    ],
    links: [
      { rel: 'stylesheet', href: appCss },
      {
        rel: 'icon',
        href: 'data:image/svg+xml,<svg xmlns=%22http://www.w3.org/2000/svg%22 viewBox=%220 0 100 100%22><text y=%22.9em%22 font-size=%2290%22>🍳</text></svg>',
      },
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
  const { transport } = useRouteContext({ from: '__root__' });
  const me = useQuery({ ...meQuery(transport), retry: false }).data;
  return (
    <html lang="en">
      <head>
        <HeadContent />
      </head>
      <body>
        <SiteHeader me={me} />
        <Page>{children}</Page>
        <SiteFooter />
        <IconSprites />
        <Scripts />
      </body>
    </html>
  );
}
