import { useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { recipeStatusValues } from '@yeet/contract';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { RecipeRow, When } from '../components/recipe-row';
import { RoleNeeded } from '../components/role-needed';
import { myRecipes } from '../lib/api';
import { requireUser } from '../lib/auth';
import { can } from '../lib/roles';
import { onLoadError, setSsrStatus } from '../lib/status';

export const Route = createFileRoute('/me/recipes')({
  beforeLoad: async ({ context, location }) => {
    const me = await requireUser(context, location);
    return { me, allowed: can(me, 'author') };
  },
  loader: async ({ context: { queryClient, transport, allowed } }) => {
    if (allowed) await queryClient.ensureQueryData(myRecipes(transport));
    else setSsrStatus(403);
  },
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: () => ({ meta: [{ title: 'My recipes — Eat or Yeet' }] }),
  component: MyRecipes,
});

function MyRecipes() {
  const { me, allowed } = Route.useRouteContext();
  return allowed ? <Mine /> : <RoleNeeded me={me} needs="author" page="Writing recipes" />;
}

function Mine() {
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
        <ul className="rows" aria-label="My recipes">
          {recipes.map((r) => (
            <li key={r.id}>
              <RecipeRow
                recipe={r}
                meta={
                  r.publishTime && recipeStatusValues.toDomain(r.status) === 'published' ? (
                    <When label="Published" time={r.publishTime} />
                  ) : (
                    <When label="Changed" time={r.updateTime} />
                  )
                }
              >
                {r.rejectionReason ? <p className="row__note">Editor’s note: {r.rejectionReason}</p> : null}
              </RecipeRow>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
