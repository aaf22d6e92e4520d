import { timestampDate } from '@bufbuild/protobuf/wkt';
import { useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { reviewQueue } from '../lib/api';
import { requireUser } from '../lib/auth';
import { formatMoment } from '../lib/format';
import { onLoadError } from '../lib/status';

export const Route = createFileRoute('/review')({
  beforeLoad: ({ context, location }) => requireUser(context, location, 'editor'),
  loader: ({ context: { queryClient, transport } }) => queryClient.ensureQueryData(reviewQueue(transport)),
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: () => ({ meta: [{ title: 'Review queue — Eat or Yeet' }] }),
  component: ReviewQueue,
});

function ReviewQueue() {
  const { transport } = Route.useRouteContext();
  const { recipes } = useSuspenseQuery(reviewQueue(transport)).data;
  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">Review queue</h1>
      <p className="lead">Oldest first. Open a recipe to read it as readers will, then approve it or send it back with a note.</p>
      {recipes.length === 0 ? (
        <p className="empty">Nothing is waiting for review. Nice work.</p>
      ) : (
        <ol className="list" aria-label="Recipes waiting for review">
          {recipes.map((r) => {
            const since = r.updateTime ? timestampDate(r.updateTime) : null;
            return (
              <li key={r.id} className="list__item">
                <Link to="/r/$slug" params={{ slug: r.slug }}>
                  {r.title}
                </Link>
                <span className="muted">by {r.author?.displayName}</span>
                {since ? (
                  <time className="muted" dateTime={since.toISOString()}>
                    waiting since {formatMoment(since)}
                  </time>
                ) : null}
                <p className="list__note">{r.summary}</p>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
