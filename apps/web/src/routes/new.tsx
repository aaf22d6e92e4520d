import { useMutation, useQueryClient } from '@tanstack/react-query';
import { createFileRoute, Link, useNavigate } from '@tanstack/react-router';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { RecipeForm } from '../components/recipe-form';
import { RoleNeeded } from '../components/role-needed';
import { requireUser } from '../lib/auth';
import { describeError } from '../lib/errors';
import { useIdempotencyKeys } from '../lib/idempotency';
import { can } from '../lib/roles';
import { onLoadError, setSsrStatus } from '../lib/status';
import { recipeClient } from '../lib/rpc';

export const Route = createFileRoute('/new')({
  beforeLoad: async ({ context, location }) => {
    const me = await requireUser(context, location);
    return { me, allowed: can(me, 'author') };
  },
  loader: ({ context: { allowed } }) => {
    if (!allowed) setSsrStatus(403);
  },
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: () => ({ meta: [{ title: 'New recipe — Eat or Yeet' }] }),
  component: NewRecipe,
});

function NewRecipe() {
  const { me, allowed } = Route.useRouteContext();
  return allowed ? <Draft /> : <RoleNeeded me={me} needs="author" page="Writing recipes" />;
}

function Draft() {
  const { transport } = Route.useRouteContext();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const keys = useIdempotencyKeys();
  const create = useMutation({
    mutationFn: (recipe: Parameters<ReturnType<typeof recipeClient>['createRecipe']>[0]['recipe']) =>
      recipeClient(transport).createRecipe({ recipe }, keys.options('create', recipe)),
    onSuccess: async ({ recipe }) => {
      keys.done();
      await queryClient.invalidateQueries();
      // on to the photo and a last look before submitting
      if (recipe) await navigate({ to: '/r/$slug/edit', params: { slug: recipe.slug }, search: { created: 1 } });
    },
  });
  return (
    <section className="narrow" aria-labelledby="new-title">
      <h1 id="new-title">New recipe</h1>
      <p className="lead">
        Save it as a draft; submit it for review when it is ready. Editors check every recipe before it is published. Found it on
        another site? <Link to="/import">Import it from the link</Link>.
      </p>
      <RecipeForm
        submitLabel="Save draft"
        busy={create.isPending}
        error={create.error ? describeError(create.error) : null}
        onSubmit={(recipe) => create.mutate(recipe)}
      />
    </section>
  );
}
