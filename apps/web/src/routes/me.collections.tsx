import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { maxCollectionNameLength } from '@yeet/domain/collection';
import { useId, useState } from 'react';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { requireUser } from '../lib/auth';
import { collectionsClient, collectionsKey, myCollections } from '../lib/collections';
import { describeError } from '../lib/errors';
import { defineMessages, messagesIn, params, useMessages } from '../lib/i18n';
import { onLoadError } from '../lib/status';

// the title apart: the route's head is in every page's first load, the page's words are not
const titles = defineMessages('collectionsTitle', { title: 'Your collections — Eat or Yeet' });
const messages = defineMessages('collections', {
  heading: 'Your collections',
  intro: 'Recipes you save. Only you see them, unless you share a collection’s link.',
  favourites: 'Favourites',
  // not count(): a route chunk importing it moved it and lib/collections out of the main
  // chunk into a shared one, +0.8 KB on every visitor's first load (measured); English and
  // German both say "one" for 1 alone
  recipe: '1 recipe',
  recipes: params('{count} recipes'),
  shared: 'Shared',
  newCollection: 'New collection',
  placeholder: 'e.g. Weeknight',
  create: 'Create',
  nameError: params('Name: {error}'),
});

export const Route = createFileRoute('/me/collections')({
  beforeLoad: ({ context, location }) => requireUser(context, location),
  loader: ({ context: { queryClient, transport } }) => queryClient.ensureQueryData(myCollections(transport)),
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: ({ match }) => ({ meta: [{ title: messagesIn(titles, match.context.locale).title }] }),
  component: Collections,
});

function Collections() {
  const { transport } = Route.useRouteContext();
  const collections = useSuspenseQuery(myCollections(transport)).data;
  const queryClient = useQueryClient();
  const navigate = Route.useNavigate();
  const id = useId();
  const t = useMessages(messages);
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: async (n: string) => (await collectionsClient(transport).createCollection({ name: n })).collection!,
    onSuccess: async (collection) => {
      setName('');
      await queryClient.invalidateQueries({ queryKey: collectionsKey });
      await navigate({ to: '/me/collections/$id', params: { id: collection.id } });
    },
  });
  const error = create.error ? describeError(create.error) : null;
  return (
    <section aria-labelledby="collections-title">
      <div className="page-head">
        <h1 id="collections-title">{t.heading}</h1>
      </div>
      <p className="collections__intro">{t.intro}</p>
      <ul className="list" aria-label={t.heading}>
        {collections.map((c) => (
          <li key={c.id} className="list__item collections__item">
            <Link to="/me/collections/$id" params={{ id: c.id }}>
              {c.favourites ? t.favourites : c.name}
            </Link>{' '}
            <span className="collections__count">{c.recipeCount === 1 ? t.recipe : t.recipes({ count: c.recipeCount })}</span>
            {c.shareToken ? <span className="badge">{t.shared}</span> : null}
          </li>
        ))}
      </ul>
      <form
        className="collections__new"
        aria-label={t.newCollection}
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(name);
        }}
      >
        <label htmlFor={`${id}-name`}>{t.newCollection}</label>
        <div className="collections__row">
          <input
            id={`${id}-name`}
            value={name}
            maxLength={maxCollectionNameLength}
            onChange={(e) => setName(e.target.value)}
            placeholder={t.placeholder}
            aria-invalid={Boolean(error)}
            aria-describedby={error ? `${id}-error` : undefined}
          />
          <button type="submit" className="button" disabled={create.isPending}>
            {t.create}
          </button>
        </div>
        {error ? (
          <p className="field-error" id={`${id}-error`} role="alert">
            {error.fields.name ? t.nameError({ error: error.fields.name }) : error.message}
          </p>
        ) : null}
      </form>
    </section>
  );
}
