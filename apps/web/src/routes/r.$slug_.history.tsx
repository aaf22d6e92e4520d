import { timestampDate } from '@bufbuild/protobuf/wkt';
import { useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { RecipeStatus } from '@yeet/contract';
import { recipeEventLabels } from '@yeet/domain/lifecycle';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { RecipeRow, When } from '../components/recipe-row';
import { StatusBadge } from '../components/status-badge';
import { recipeBySlug, recipeHistory } from '../lib/api';
import { requireUser } from '../lib/auth';
import { formatMoment } from '../lib/format';
import { onLoadError } from '../lib/status';

// Events the API may add later read as their name.
const eventLabels: Partial<Record<string, string>> = recipeEventLabels;

export const Route = createFileRoute('/r/$slug_/history')({
  beforeLoad: ({ context, location }) => requireUser(context, location),
  loader: async ({ context: { queryClient, transport }, params: { slug } }) => {
    const recipe = await queryClient.ensureQueryData(recipeBySlug(transport, slug));
    await queryClient.ensureQueryData(recipeHistory(transport, recipe.id));
  },
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: () => ({ meta: [{ title: 'Recipe history — Eat or Yeet' }, { name: 'robots', content: 'noindex' }] }),
  component: History,
});

function History() {
  const { slug } = Route.useParams();
  const { transport } = Route.useRouteContext();
  const recipe = useSuspenseQuery(recipeBySlug(transport, slug)).data;
  const events = useSuspenseQuery(recipeHistory(transport, recipe.id)).data;
  return (
    <section className="narrow" aria-labelledby="history-title">
      <p className="crumbs">
        <Link to="/r/$slug" params={{ slug }}>
          ← Back to the recipe
        </Link>
      </p>
      <h1 id="history-title">History of “{recipe.title}”</h1>
      <RecipeRow recipe={recipe} meta={<When label="Written" time={recipe.createTime} />} />
      <ol className="timeline">
        {events.map((e) => {
          const when = e.createTime ? timestampDate(e.createTime) : null;
          return (
            <li key={e.id} className="timeline__event">
              <p className="timeline__what">
                <strong>{eventLabels[e.action] ?? e.action}</strong> by {e.actor?.displayName ?? 'someone'}
                {e.fromStatus !== e.toStatus && e.toStatus !== RecipeStatus.UNSPECIFIED ? (
                  <>
                    {' '}
                    → <StatusBadge status={e.toStatus} />
                  </>
                ) : null}
              </p>
              {when ? (
                <time className="muted" dateTime={when.toISOString()}>
                  {formatMoment(when)}
                </time>
              ) : null}
              {e.reason ? <p className="timeline__reason">“{e.reason}”</p> : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
