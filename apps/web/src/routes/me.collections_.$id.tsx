import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { maxCollectionNameLength } from '@yeet/domain/collection';
import { useId, useState } from 'react';
import { CollectionEntries } from '../components/collection-entries';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { requireUser } from '../lib/auth';
import { collectionById, collectionsClient, collectionsKey, shareUrl } from '../lib/collections';
import { describeError } from '../lib/errors';
import { onLoadError } from '../lib/status';

export const Route = createFileRoute('/me/collections_/$id')({
  beforeLoad: ({ context, location }) => requireUser(context, location),
  loader: async ({ context: { queryClient, transport }, params: { id } }) =>
    (await queryClient.ensureQueryData(collectionById(transport, id))).collection.name,
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: ({ loaderData }) => ({ meta: [{ title: `${loaderData ?? 'Collection'} — Eat or Yeet` }] }),
  component: CollectionPage,
});

type Action = { kind: 'rename'; name: string } | { kind: 'share'; shared: boolean } | { kind: 'remove'; recipeId: string };

function CollectionPage() {
  const { id } = Route.useParams();
  const { transport } = Route.useRouteContext();
  const { collection, entries } = useSuspenseQuery(collectionById(transport, id)).data;
  const queryClient = useQueryClient();
  const navigate = Route.useNavigate();
  const formId = useId();
  const [name, setName] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const act = useMutation({
    mutationFn: async (a: Action) => {
      const client = collectionsClient(transport);
      if (a.kind === 'rename') await client.renameCollection({ id, name: a.name });
      else if (a.kind === 'share') await (a.shared ? client.shareCollection({ id }) : client.unshareCollection({ id }));
      else await client.removeRecipeFromCollection({ collectionId: id, recipeId: a.recipeId });
    },
    onSuccess: async (_, a) => {
      if (a.kind === 'rename') setName(null);
      await queryClient.invalidateQueries({ queryKey: collectionsKey });
    },
  });
  const remove = useMutation({
    mutationFn: () => collectionsClient(transport).deleteCollection({ id }),
    onSuccess: async () => {
      await navigate({ to: '/me/collections' });
      await queryClient.invalidateQueries({ queryKey: collectionsKey });
    },
  });
  const failure = act.error ?? remove.error;
  const error = failure ? describeError(failure) : null;
  const link = collection.shareToken ? shareUrl(collection.shareToken) : null;
  return (
    <section aria-labelledby="collection-title">
      <p className="eyebrow">
        <Link to="/me/collections">Your collections</Link>
      </p>
      <div className="page-head">
        <h1 id="collection-title">{collection.name}</h1>
      </div>

      <div className="collection__tools">
        <section className="collection__share" aria-labelledby={`${formId}-share`}>
          <h2 id={`${formId}-share`}>Sharing</h2>
          {link ? (
            <>
              <p>Anyone with this link can see the collection’s published recipes (not who you are):</p>
              <p>
                <label htmlFor={`${formId}-link`} className="visually-hidden">
                  Link to share
                </label>
                <input
                  id={`${formId}-link`}
                  className="collection__link"
                  readOnly
                  value={link}
                  onFocus={(e) => e.target.select()}
                />
              </p>
              <button
                type="button"
                className="button button--small button--quiet"
                disabled={act.isPending}
                onClick={() => act.mutate({ kind: 'share', shared: false })}
              >
                Stop sharing
              </button>
            </>
          ) : (
            <>
              <p>Private: only you see it.</p>
              <button
                type="button"
                className="button button--small"
                disabled={act.isPending}
                onClick={() => act.mutate({ kind: 'share', shared: true })}
              >
                Share a link
              </button>
            </>
          )}
        </section>

        {collection.favourites ? null : (
          <section className="collection__manage" aria-labelledby={`${formId}-manage`}>
            <h2 id={`${formId}-manage`}>Name</h2>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                act.mutate({ kind: 'rename', name: name ?? collection.name });
              }}
            >
              <label htmlFor={`${formId}-name`} className="visually-hidden">
                Collection name
              </label>
              <input
                id={`${formId}-name`}
                value={name ?? collection.name}
                maxLength={maxCollectionNameLength}
                onChange={(e) => setName(e.target.value)}
              />{' '}
              <button type="submit" className="button button--small" disabled={act.isPending}>
                Rename
              </button>
            </form>
            {confirming ? (
              <div className="confirm">
                <p>Delete “{collection.name}”? The recipes stay where they are.</p>
                <button
                  type="button"
                  className="button button--small"
                  onClick={() => remove.mutate()}
                  disabled={remove.isPending}
                >
                  Delete collection
                </button>{' '}
                <button type="button" className="button button--small button--quiet" onClick={() => setConfirming(false)}>
                  Keep it
                </button>
              </div>
            ) : (
              <button type="button" className="button button--small button--quiet" onClick={() => setConfirming(true)}>
                Delete…
              </button>
            )}
          </section>
        )}
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error.fields.name ? `Name: ${error.fields.name}` : error.message}
        </p>
      ) : null}

      <CollectionEntries
        entries={entries}
        label={`Recipes in ${collection.name}`}
        action={(e) =>
          e.recipeId ? (
            <button
              type="button"
              className="button button--small button--quiet collection__remove"
              disabled={act.isPending}
              onClick={() => act.mutate({ kind: 'remove', recipeId: e.recipeId })}
            >
              Remove<span className="visually-hidden"> {e.recipe?.title ?? 'this unavailable recipe'}</span>
            </button>
          ) : null
        }
      />
    </section>
  );
}
