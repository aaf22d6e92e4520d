import { useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { CollectionEntries } from '../components/collection-entries';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { sharedCollection } from '../lib/collections';
import { defineMessages, messagesIn, params, useMessages } from '../lib/i18n';
import { onLoadError } from '../lib/status';

// the title's word apart: the route's head is in every page's first load, the page's words are not
const titles = defineMessages('sharedCollectionTitle', { collection: 'Collection' });
const messages = defineMessages('sharedCollection', {
  shared: 'A shared collection',
  recipesIn: params('Recipes in {name}'),
});

/**
 * A collection shared by its link: its name and its recipes' cards, server-rendered for
 * anyone holding the token. A revoked or unknown token is a 404 page. `no-store` keeps the
 * page out of the visitors' page cache, so stopping the sharing takes effect at once.
 */
export const Route = createFileRoute('/c/$token')({
  loader: async ({ context: { queryClient, transport }, params: { token } }) =>
    (await queryClient.ensureQueryData(sharedCollection(transport, token))).name,
  headers: () => ({ 'cache-control': 'no-store' }),
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: ({ loaderData, match }) => ({
    // shared privately: not for search engines
    meta: [
      { title: `${loaderData ?? messagesIn(titles, match.context.locale).collection} — Eat or Yeet` },
      { name: 'robots', content: 'noindex' },
    ],
  }),
  component: SharedCollection,
});

function SharedCollection() {
  const { token } = Route.useParams();
  const { transport } = Route.useRouteContext();
  const { name, entries } = useSuspenseQuery(sharedCollection(transport, token)).data;
  const t = useMessages(messages);
  return (
    <section aria-labelledby="shared-title">
      <p className="eyebrow">{t.shared}</p>
      <div className="page-head">
        <h1 id="shared-title">{name}</h1>
      </div>
      <CollectionEntries entries={entries} label={t.recipesIn({ name })} />
    </section>
  );
}
