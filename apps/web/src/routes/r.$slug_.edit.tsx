import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link, useNavigate } from '@tanstack/react-router';
import { recipeStatusValues } from '@yeet/contract';
import { actorFor, canEdit } from '@yeet/domain/lifecycle';
import { CoverUpload, StepPhotos } from '../components/cover-upload';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { RecipeForm, type RecipeInputInit } from '../components/recipe-form';
import { RoleNeeded } from '../components/role-needed';
import { StatusBadge } from '../components/status-badge';
import { recipeBySlug } from '../lib/api';
import { requireUser } from '../lib/auth';
import { describeError } from '../lib/errors';
import { callerOf, can } from '../lib/roles';
import { onLoadError, setSsrStatus } from '../lib/status';
import { useIdempotencyKeys } from '../lib/idempotency';
import { recipeClient } from '../lib/rpc';
import { defineMessages, messagesIn, params, useMessages } from '../lib/i18n';

const messages = defineMessages('editRecipe', {
  title: 'Edit recipe — Eat or Yeet',
  back: '← Back to the recipe',
  heading: params('Edit “{title}”'),
  photoFailed:
    'Draft saved, but its cover photo did not upload. Choose the photo again below, then open the recipe and submit it for review.',
  withPhoto: 'Draft saved with its cover photo. Add step photos if you like, then open the recipe and submit it for review.',
  saved: 'Draft saved. Add a cover photo if you have one, then open the recipe and submit it for review.',
  editorsNote: 'Editor’s note:',
  inReview: 'This recipe is waiting for review and cannot be edited by its author now. An editor can send it back to draft.',
  notDraft: 'This recipe is not a draft and cannot be edited by its author now. An editor can send it back to draft.',
  recipe: 'Recipe',
  save: 'Save changes',
});

export const Route = createFileRoute('/r/$slug_/edit')({
  // created: the draft was just made on /new; photo=failed: its cover photo did not upload there
  validateSearch: (search: Record<string, unknown>): { created?: number; photo?: 'failed' } => ({
    ...(search.created ? { created: 1 } : {}),
    ...(search.photo === 'failed' ? { photo: 'failed' as const } : {}),
  }),
  beforeLoad: async ({ context, location }) => {
    const me = await requireUser(context, location);
    return { me, allowed: can(me, 'author') };
  },
  loader: async ({ context: { queryClient, transport, allowed }, params: { slug } }) => {
    if (allowed) await queryClient.ensureQueryData(recipeBySlug(transport, slug));
    else setSsrStatus(403);
  },
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: ({ match }) => ({ meta: [{ title: messagesIn(messages, match.context.locale).title }] }),
  component: EditRecipe,
});

function EditRecipe() {
  const { me, allowed } = Route.useRouteContext();
  return allowed ? <Editor /> : <RoleNeeded me={me} needs="author" page="editing" />;
}

function Editor() {
  const { slug } = Route.useParams();
  const { created, photo } = Route.useSearch();
  const { transport, me } = Route.useRouteContext();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const recipe = useSuspenseQuery(recipeBySlug(transport, slug)).data;
  const keys = useIdempotencyKeys();
  const save = useMutation({
    mutationFn: (input: RecipeInputInit) => {
      const request = { id: recipe.id, recipe: input, expectedVersion: recipe.version };
      return recipeClient(transport).updateRecipe(request, keys.options('update', request));
    },
    onSuccess: async () => {
      keys.done();
      await queryClient.invalidateQueries();
      await navigate({ to: '/r/$slug', params: { slug } });
    },
  });
  const status = recipeStatusValues.toDomain(recipe.status);
  const t = useMessages(messages);
  const editable = status !== undefined && canEdit(status, actorFor(callerOf(me), recipe.author?.id ?? ''));

  return (
    <section className="narrow" aria-labelledby="edit-title">
      <p className="crumbs">
        <Link to="/r/$slug" params={{ slug }}>
          {t.back}
        </Link>
      </p>
      <h1 id="edit-title">
        {t.heading({ title: recipe.title })} <StatusBadge status={recipe.status} />
      </h1>
      {created ? (
        <p className="notice" role="status">
          {photo === 'failed' ? t.photoFailed : recipe.coverImage ? t.withPhoto : t.saved}
        </p>
      ) : null}
      {recipe.rejectionReason && status === 'draft' ? (
        <div className="banner" role="note">
          <p>
            <strong>{t.editorsNote}</strong> {recipe.rejectionReason}
          </p>
        </div>
      ) : null}
      {!editable ? (
        <p className="notice">{status === 'in_review' ? t.inReview : t.notDraft}</p>
      ) : (
        <>
          <CoverUpload recipe={recipe} />
          <h2>{t.recipe}</h2>
          <RecipeForm
            // a new version from the server (e.g. after a photo) must not keep stale inputs
            key={recipe.version}
            initial={recipe}
            submitLabel={t.save}
            busy={save.isPending}
            error={save.error ? describeError(save.error) : null}
            onSubmit={(input) => save.mutate(input)}
          />
          <StepPhotos recipe={recipe} />
        </>
      )}
    </section>
  );
}
