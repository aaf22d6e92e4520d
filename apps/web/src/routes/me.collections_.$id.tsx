import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { maxCollectionNameLength } from '@yeet/domain/collection';
import { useId, useState } from 'react';
import { CollectionEntries } from '../components/collection-entries';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { requireUser } from '../lib/auth';
import { collectionById, collectionsClient, collectionsKey, shareUrl } from '../lib/collections';
import { describeError } from '../lib/errors';
import { defineMessages, messagesIn, params, useMessages } from '../lib/i18n';
import { onLoadError } from '../lib/status';

// the title's words apart: the route's head is in every page's first load, the page's words are not
const titles = defineMessages('collectionTitle', { collection: 'Collection', favourites: 'Favourites' });
const messages = defineMessages('collection', {
  yours: 'Your collections',
  favourites: 'Favourites',
  sharing: 'Sharing',
  sharedText: 'Anyone with this link can see the collection’s published recipes (not who you are):',
  link: 'Link to share',
  stopSharing: 'Stop sharing',
  private: 'Private: only you see it.',
  share: 'Share a link',
  name: 'Name',
  collectionName: 'Collection name',
  rename: 'Rename',
  confirmDelete: params('Delete “{name}”? The recipes stay where they are.'),
  delete: 'Delete collection',
  keep: 'Keep it',
  deleteMenu: 'Delete…',
  nameError: params('Name: {error}'),
  recipesIn: params('Recipes in {name}'),
  remove: 'Remove',
  unavailable: 'this unavailable recipe',
});

export const Route = createFileRoute('/me/collections_/$id')({
  beforeLoad: ({ context, location }) => requireUser(context, location),
  loader: async ({ context: { queryClient, transport }, params: { id } }) => {
    const { collection } = await queryClient.ensureQueryData(collectionById(transport, id));
    return { name: collection.name, favourites: collection.favourites };
  },
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: ({ loaderData, match }) => {
    const t = messagesIn(titles, match.context.locale);
    const name = loaderData ? (loaderData.favourites ? t.favourites : loaderData.name) : t.collection;
    return { meta: [{ title: `${name} — Eat or Yeet` }] };
  },
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
  const t = useMessages(messages);
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
  const title = collection.favourites ? t.favourites : collection.name;
  return (
    <section aria-labelledby="collection-title">
      <p className="eyebrow">
        <Link to="/me/collections">{t.yours}</Link>
      </p>
      <div className="page-head">
        <h1 id="collection-title">{title}</h1>
      </div>

      <div className="collection__tools">
        <section className="collection__share" aria-labelledby={`${formId}-share`}>
          <h2 id={`${formId}-share`}>{t.sharing}</h2>
          {link ? (
            <>
              <p>{t.sharedText}</p>
              <p>
                <label htmlFor={`${formId}-link`} className="visually-hidden">
                  {t.link}
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
                {t.stopSharing}
              </button>
            </>
          ) : (
            <>
              <p>{t.private}</p>
              <button
                type="button"
                className="button button--small"
                disabled={act.isPending}
                onClick={() => act.mutate({ kind: 'share', shared: true })}
              >
                {t.share}
              </button>
            </>
          )}
        </section>

        {collection.favourites ? null : (
          <section className="collection__manage" aria-labelledby={`${formId}-manage`}>
            <h2 id={`${formId}-manage`}>{t.name}</h2>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                act.mutate({ kind: 'rename', name: name ?? collection.name });
              }}
            >
              <label htmlFor={`${formId}-name`} className="visually-hidden">
                {t.collectionName}
              </label>
              <input
                id={`${formId}-name`}
                value={name ?? collection.name}
                maxLength={maxCollectionNameLength}
                onChange={(e) => setName(e.target.value)}
              />{' '}
              <button type="submit" className="button button--small" disabled={act.isPending}>
                {t.rename}
              </button>
            </form>
            {confirming ? (
              <div className="confirm">
                <p>{t.confirmDelete({ name: collection.name })}</p>
                <button
                  type="button"
                  className="button button--small"
                  onClick={() => remove.mutate()}
                  disabled={remove.isPending}
                >
                  {t.delete}
                </button>{' '}
                <button type="button" className="button button--small button--quiet" onClick={() => setConfirming(false)}>
                  {t.keep}
                </button>
              </div>
            ) : (
              <button type="button" className="button button--small button--quiet" onClick={() => setConfirming(true)}>
                {t.deleteMenu}
              </button>
            )}
          </section>
        )}
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error.fields.name ? t.nameError({ error: error.fields.name }) : error.message}
        </p>
      ) : null}

      <CollectionEntries
        entries={entries}
        label={t.recipesIn({ name: title })}
        action={(e) =>
          e.recipeId ? (
            <button
              type="button"
              className="button button--small button--quiet collection__remove"
              disabled={act.isPending}
              onClick={() => act.mutate({ kind: 'remove', recipeId: e.recipeId })}
            >
              {t.remove}
              <span className="visually-hidden"> {e.recipe?.title ?? t.unavailable}</span>
            </button>
          ) : null
        }
      />
    </section>
  );
}
