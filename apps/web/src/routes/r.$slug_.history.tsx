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
import { useFormats } from '../lib/format';
import { defineMessages, messagesIn, params, useMessages } from '../lib/i18n';
import { onLoadError } from '../lib/status';

// the title apart: the route's head is in every page's first load, the page's words are not
const titles = defineMessages('historyTitle', { title: 'Recipe history — Eat or Yeet' });
const messages = defineMessages('history', {
  back: '← Back to the recipe',
  heading: params('History of “{title}”'),
  written: 'Written',
  by: 'by',
  someone: 'someone',
});
const events = defineMessages('recipeEvent', recipeEventLabels);

export const Route = createFileRoute('/r/$slug_/history')({
  beforeLoad: ({ context, location }) => requireUser(context, location),
  loader: async ({ context: { queryClient, transport }, params: { slug } }) => {
    const recipe = await queryClient.ensureQueryData(recipeBySlug(transport, slug));
    await queryClient.ensureQueryData(recipeHistory(transport, recipe.id));
  },
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: ({ match }) => ({
    meta: [{ title: messagesIn(titles, match.context.locale).title }, { name: 'robots', content: 'noindex' }],
  }),
  component: History,
});

function History() {
  const { slug } = Route.useParams();
  const { transport } = Route.useRouteContext();
  const recipe = useSuspenseQuery(recipeBySlug(transport, slug)).data;
  const history = useSuspenseQuery(recipeHistory(transport, recipe.id)).data;
  const t = useMessages(messages);
  // events the API may add later read as their name
  const eventLabels: Partial<Record<string, string>> = useMessages(events);
  const { moment } = useFormats();
  return (
    <section className="narrow" aria-labelledby="history-title">
      <p className="crumbs">
        <Link to="/r/$slug" params={{ slug }}>
          {t.back}
        </Link>
      </p>
      <h1 id="history-title">{t.heading({ title: recipe.title })}</h1>
      <RecipeRow recipe={recipe} meta={<When label={t.written} time={recipe.createTime} />} />
      <ol className="timeline">
        {history.map((e) => {
          const when = e.createTime ? timestampDate(e.createTime) : null;
          return (
            <li key={e.id} className="timeline__event">
              <p className="timeline__what">
                <strong>{eventLabels[e.action] ?? e.action}</strong> {t.by} {e.actor?.displayName ?? t.someone}
                {e.fromStatus !== e.toStatus && e.toStatus !== RecipeStatus.UNSPECIFIED ? (
                  <>
                    {' '}
                    → <StatusBadge status={e.toStatus} />
                  </>
                ) : null}
              </p>
              {when ? (
                <time className="muted" dateTime={when.toISOString()}>
                  {moment(when)}
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
