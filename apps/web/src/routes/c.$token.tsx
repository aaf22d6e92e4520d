import { useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { CollectionEntries } from '../components/collection-entries';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { sharedCollection } from '../lib/collections';
import { onLoadError } from '../lib/status';

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
  head: ({ loaderData }) => ({
    // shared privately: not for search engines
    meta: [{ title: `${loaderData ?? 'Collection'} — Eat or Yeet` }, { name: 'robots', content: 'noindex' }],
  }),
  component: SharedCollection,
});

function SharedCollection() {
  const { token } = Route.useParams();
  const { transport } = Route.useRouteContext();
  const { name, entries } = useSuspenseQuery(sharedCollection(transport, token)).data;
  return (
    <section aria-labelledby="shared-title">
      <p className="eyebrow">A shared collection</p>
      <div className="page-head">
        <h1 id="shared-title">{name}</h1>
      </div>
      <CollectionEntries entries={entries} label={`Recipes in ${name}`} />
    </section>
  );
}
