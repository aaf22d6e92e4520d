import { useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { RecipeStatus } from '@yeet/contract';
import { myRecipes } from '../lib/api';
import { requireUser } from '../lib/auth';
import { Role } from '../lib/roles';

const statusLabels: Record<RecipeStatus, string> = {
  [RecipeStatus.UNSPECIFIED]: '',
  [RecipeStatus.DRAFT]: 'Draft',
  [RecipeStatus.IN_REVIEW]: 'In review',
  [RecipeStatus.PUBLISHED]: 'Published',
  [RecipeStatus.ARCHIVED]: 'Archived',
};

export const Route = createFileRoute('/me/recipes')({
  validateSearch: (search: Record<string, unknown>): { created?: number } => (search.created ? { created: 1 } : {}),
  beforeLoad: ({ context, location }) => requireUser(context, location, Role.AUTHOR),
  loader: ({ context: { queryClient, transport } }) => queryClient.ensureQueryData(myRecipes(transport)),
  head: () => ({ meta: [{ title: 'My recipes — Eat or Yeet' }] }),
  component: MyRecipes,
});

function MyRecipes() {
  const { transport } = Route.useRouteContext();
  const { created } = Route.useSearch();
  const { recipes } = useSuspenseQuery(myRecipes(transport)).data;
  return (
    <section aria-labelledby="mine-title">
      <h1 id="mine-title">My recipes</h1>
      {created ? (
        <p className="notice" role="status">
          Draft saved. Submit it for review when it is ready.
        </p>
      ) : null}
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
              <span className={`badge badge--${RecipeStatus[r.status].toLowerCase()}`}>{statusLabels[r.status]}</span>
              {r.rejectionReason ? <p className="list__note">Editor’s note: {r.rejectionReason}</p> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
