import { useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { RecipeRow, When } from '../components/recipe-row';
import { RoleNeeded } from '../components/role-needed';
import { reviewQueue } from '../lib/api';
import { requireUser } from '../lib/auth';
import { can } from '../lib/roles';
import { onLoadError, setSsrStatus } from '../lib/status';

export const Route = createFileRoute('/review')({
  beforeLoad: async ({ context, location }) => {
    const me = await requireUser(context, location);
    return { me, allowed: can(me, 'editor') };
  },
  loader: async ({ context: { queryClient, transport, allowed } }) => {
    if (allowed) await queryClient.ensureQueryData(reviewQueue(transport));
    else setSsrStatus(403);
  },
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: () => ({ meta: [{ title: 'Review queue — Eat or Yeet' }] }),
  component: ReviewQueue,
});

function ReviewQueue() {
  const { me, allowed } = Route.useRouteContext();
  return allowed ? <Queue /> : <RoleNeeded me={me} needs="editor" page="The review queue" />;
}

function Queue() {
  const { transport } = Route.useRouteContext();
  const { recipes } = useSuspenseQuery(reviewQueue(transport)).data;
  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">Review queue</h1>
      <p className="lead">Oldest first. Open a recipe to read it as readers will, then approve it or send it back with a note.</p>
      {recipes.length === 0 ? (
        <p className="empty">Nothing is waiting for review. Nice work.</p>
      ) : (
        <ol className="rows" aria-label="Recipes waiting for review">
          {recipes.map((r) => (
            <li key={r.id}>
              <RecipeRow
                recipe={r}
                meta={
                  <>
                    <span className="muted">by {r.author?.displayName}</span>
                    <When label="waiting since" time={r.updateTime} />
                  </>
                }
              >
                <p className="row__note">{r.summary}</p>
              </RecipeRow>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
