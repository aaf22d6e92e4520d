import { createClient } from '@connectrpc/connect';
import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link, notFound, useNavigate } from '@tanstack/react-router';
import { RecipeService, RecipeStatus } from '@yeet/contract';
import { CoverUpload } from '../components/cover-upload';
import { RecipeForm, type RecipeInputInit } from '../components/recipe-form';
import { StatusBadge } from '../components/status-badge';
import { isNotFound, recipeBySlug } from '../lib/api';
import { requireUser } from '../lib/auth';
import { describeError } from '../lib/errors';
import { can, Role } from '../lib/roles';

export const Route = createFileRoute('/r/$slug_/edit')({
  validateSearch: (search: Record<string, unknown>): { created?: number } => (search.created ? { created: 1 } : {}),
  beforeLoad: async ({ context, location }) => ({ me: await requireUser(context, location, Role.AUTHOR) }),
  loader: async ({ context: { queryClient, transport }, params: { slug } }) => {
    try {
      await queryClient.ensureQueryData(recipeBySlug(transport, slug));
    } catch (error) {
      if (isNotFound(error)) throw notFound();
      throw error;
    }
  },
  head: () => ({ meta: [{ title: 'Edit recipe — Eat or Yeet' }, { name: 'robots', content: 'noindex' }] }),
  component: EditRecipe,
});

function EditRecipe() {
  const { slug } = Route.useParams();
  const { created } = Route.useSearch();
  const { transport, me } = Route.useRouteContext();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const recipe = useSuspenseQuery(recipeBySlug(transport, slug)).data.recipe!;
  const save = useMutation({
    mutationFn: (input: RecipeInputInit) =>
      createClient(RecipeService, transport).updateRecipe({ id: recipe.id, recipe: input, expectedVersion: recipe.version }),
    onSuccess: async () => {
      await queryClient.invalidateQueries();
      await navigate({ to: '/r/$slug', params: { slug } });
    },
  });
  const editable = recipe.status === RecipeStatus.DRAFT || (can(me, Role.EDITOR) && recipe.status !== RecipeStatus.ARCHIVED);

  return (
    <section className="narrow" aria-labelledby="edit-title">
      <p className="crumbs">
        <Link to="/r/$slug" params={{ slug }}>
          ← Back to the recipe
        </Link>
      </p>
      <h1 id="edit-title">
        Edit “{recipe.title}” <StatusBadge status={recipe.status} />
      </h1>
      {created ? (
        <p className="notice" role="status">
          Draft saved. Add a cover photo if you have one, then open the recipe and submit it for review.
        </p>
      ) : null}
      {recipe.rejectionReason && recipe.status === RecipeStatus.DRAFT ? (
        <div className="banner" role="note">
          <p>
            <strong>Editor’s note:</strong> {recipe.rejectionReason}
          </p>
        </div>
      ) : null}
      {!editable ? (
        <p className="notice">
          This recipe is {recipe.status === RecipeStatus.IN_REVIEW ? 'waiting for review' : 'not a draft'} and cannot be edited by its
          author now. An editor can send it back to draft.
        </p>
      ) : (
        <>
          <CoverUpload recipe={recipe} />
          <h2>Recipe</h2>
          <RecipeForm
            // a new version from the server (e.g. after a photo) must not keep stale inputs
            key={recipe.version}
            initial={recipe}
            submitLabel="Save changes"
            busy={save.isPending}
            error={save.error ? describeError(save.error) : null}
            onSubmit={(input) => save.mutate(input)}
          />
        </>
      )}
    </section>
  );
}
