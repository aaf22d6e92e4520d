import { useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { RecipeRow, When } from '../components/recipe-row';
import { RoleNeeded } from '../components/role-needed';
import { reviewQueue } from '../lib/api';
import { requireUser } from '../lib/auth';
import { can } from '../lib/roles';
import { onLoadError, setSsrStatus } from '../lib/status';
import { defineMessages, messagesIn, params, useMessages } from '../lib/i18n';

const messages = defineMessages('reviewQueue', {
  title: 'Review queue — Eat or Yeet',
  heading: 'Review queue',
  lead: 'Oldest first. Open a recipe to read it as readers will, then approve it or send it back with a note.',
  none: 'Nothing is waiting for review. Nice work.',
  waiting: 'Recipes waiting for review',
  by: params('by {name}'),
  since: 'waiting since',
});

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
  head: ({ match }) => ({ meta: [{ title: messagesIn(messages, match.context.locale).title }] }),
  component: ReviewQueue,
});

function ReviewQueue() {
  const { me, allowed } = Route.useRouteContext();
  return allowed ? <Queue /> : <RoleNeeded me={me} needs="editor" page="review" />;
}

function Queue() {
  const { transport } = Route.useRouteContext();
  const { recipes } = useSuspenseQuery(reviewQueue(transport)).data;
  const t = useMessages(messages);
  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">{t.heading}</h1>
      <p className="lead">{t.lead}</p>
      {recipes.length === 0 ? (
        <p className="empty">{t.none}</p>
      ) : (
        <ol className="rows" aria-label={t.waiting}>
          {recipes.map((r) => (
            <li key={r.id}>
              <RecipeRow
                recipe={r}
                meta={
                  <>
                    <span className="muted">{t.by({ name: r.author?.displayName ?? '' })}</span>
                    <When label={t.since} time={r.updateTime} />
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
