import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { maxCollectionNameLength } from '@yeet/domain/collection';
import { useId, useState } from 'react';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { requireUser } from '../lib/auth';
import { collectionsClient, collectionsKey, myCollections } from '../lib/collections';
import { describeError } from '../lib/errors';
import { onLoadError } from '../lib/status';

export const Route = createFileRoute('/me/collections')({
  beforeLoad: ({ context, location }) => requireUser(context, location),
  loader: ({ context: { queryClient, transport } }) => queryClient.ensureQueryData(myCollections(transport)),
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: () => ({ meta: [{ title: 'Your collections — Eat or Yeet' }] }),
  component: Collections,
});

function Collections() {
  const { transport } = Route.useRouteContext();
  const collections = useSuspenseQuery(myCollections(transport)).data;
  const queryClient = useQueryClient();
  const navigate = Route.useNavigate();
  const id = useId();
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
        <h1 id="collections-title">Your collections</h1>
      </div>
      <p className="collections__intro">Recipes you save. Only you see them, unless you share a collection’s link.</p>
      <ul className="list" aria-label="Your collections">
        {collections.map((c) => (
          <li key={c.id} className="list__item collections__item">
            <Link to="/me/collections/$id" params={{ id: c.id }}>
              {c.name}
            </Link>{' '}
            <span className="collections__count">
              {c.recipeCount} {c.recipeCount === 1 ? 'recipe' : 'recipes'}
            </span>
            {c.shareToken ? <span className="badge">Shared</span> : null}
          </li>
        ))}
      </ul>
      <form
        className="collections__new"
        aria-label="New collection"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(name);
        }}
      >
        <label htmlFor={`${id}-name`}>New collection</label>
        <div className="collections__row">
          <input
            id={`${id}-name`}
            value={name}
            maxLength={maxCollectionNameLength}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. Weeknight"
            aria-invalid={Boolean(error)}
            aria-describedby={error ? `${id}-error` : undefined}
          />
          <button type="submit" className="button" disabled={create.isPending}>
            Create
          </button>
        </div>
        {error ? (
          <p className="field-error" id={`${id}-error`} role="alert">
            {error.fields.name ? `Name: ${error.fields.name}` : error.message}
          </p>
        ) : null}
      </form>
    </section>
  );
}
