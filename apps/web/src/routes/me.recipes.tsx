import { useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { StatusBadge } from '../components/status-badge';
import { myRecipes } from '../lib/api';
import { requireUser } from '../lib/auth';
import { onLoadError } from '../lib/status';

export const Route = createFileRoute('/me/recipes')({
  beforeLoad: ({ context, location }) => requireUser(context, location, 'author'),
  loader: ({ context: { queryClient, transport } }) => queryClient.ensureQueryData(myRecipes(transport)),
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: () => ({ meta: [{ title: 'My recipes — Eat or Yeet' }] }),
  component: MyRecipes,
});

function MyRecipes() {
  const { transport } = Route.useRouteContext();
  const { recipes } = useSuspenseQuery(myRecipes(transport)).data;
  return (
    <section aria-labelledby="mine-title">
      <div className="page-head">
        <h1 id="mine-title">My recipes</h1>
        <Link to="/new" className="button button--small">
          New recipe
        </Link>
        <Link to="/import" className="button button--small button--quiet">
          Import from a link
        </Link>
      </div>
      {recipes.length === 0 ? (
        <p className="empty">
          You have not written any recipes yet. <Link to="/new">Write your first one</Link>.
        </p>
      ) : (
        <ul className="list" aria-label="My recipes">
          {recipes.map((r) => (
            <li key={r.id} className="list__item">
              <Link to="/r/$slug" params={{ slug: r.slug }}>
                {r.title}
              </Link>
              <StatusBadge status={r.status} />
              {r.rejectionReason ? <p className="list__note">Editor’s note: {r.rejectionReason}</p> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
