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
import { defineMessages, messagesIn, useMessages } from '../lib/i18n';

const messages = defineMessages('myRecipes', {
  title: 'My recipes — Eat or Yeet',
  heading: 'My recipes',
  newRecipe: 'New recipe',
  import: 'Import from a link',
  none: 'You have not written any recipes yet.',
  first: 'Write your first one',
  published: 'Published',
  changed: 'Changed',
  editorsNote: 'Editor’s note:',
});

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
  head: ({ match }) => ({ meta: [{ title: messagesIn(messages, match.context.locale).title }] }),
  component: MyRecipes,
});

function MyRecipes() {
  const { me, allowed } = Route.useRouteContext();
  return allowed ? <Mine /> : <RoleNeeded me={me} needs="author" page="writing" />;
}

function Mine() {
  const { transport } = Route.useRouteContext();
  const { recipes } = useSuspenseQuery(myRecipes(transport)).data;
  const t = useMessages(messages);
  return (
    <section aria-labelledby="mine-title">
      <div className="page-head">
        <h1 id="mine-title">{t.heading}</h1>
        <Link to="/new" className="button button--small">
          {t.newRecipe}
        </Link>
        <Link to="/import" className="button button--small button--quiet">
          {t.import}
        </Link>
      </div>
      {recipes.length === 0 ? (
        <p className="empty">
          {t.none} <Link to="/new">{t.first}</Link>.
        </p>
      ) : (
        <ul className="rows" aria-label={t.heading}>
          {recipes.map((r) => (
            <li key={r.id}>
              <RecipeRow
                recipe={r}
                meta={
                  r.publishTime && recipeStatusValues.toDomain(r.status) === 'published' ? (
                    <When label={t.published} time={r.publishTime} />
                  ) : (
                    <When label={t.changed} time={r.updateTime} />
                  )
                }
              >
                {r.rejectionReason ? (
                  <p className="row__note">
                    {t.editorsNote} {r.rejectionReason}
                  </p>
                ) : null}
              </RecipeRow>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
