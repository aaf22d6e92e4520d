import { useMutation, useQueryClient } from '@tanstack/react-query';
import { createFileRoute, Link, useNavigate } from '@tanstack/react-router';
import { ImageSlot } from '@yeet/contract';
import { useId, useState } from 'react';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { acceptedPhotos, sendPhoto, type UploadState, UploadStatus } from '../components/cover-upload';
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
  return allowed ? <Draft /> : <RoleNeeded me={me} needs="author" page="writing" />;
}

function Draft() {
  const { transport } = Route.useRouteContext();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const keys = useIdempotencyKeys();
  const id = useId();
  const [cover, setCover] = useState<File | null>(null);
  const [upload, setUpload] = useState<UploadState>({ step: 'idle' });
  const create = useMutation({
    mutationFn: (recipe: Parameters<ReturnType<typeof recipeClient>['createRecipe']>[0]['recipe']) =>
      recipeClient(transport).createRecipe({ recipe }, keys.options('create', recipe)),
    onSuccess: async ({ recipe }) => {
      keys.done();
      if (!recipe) return;
      // The draft exists now, so the photo has somewhere to go. If it fails, the draft is
      // kept and the edit page (where it can be chosen again) says so.
      let photo: 'failed' | undefined;
      if (cover) {
        try {
          await sendPhoto(
            transport,
            cover,
            { recipeId: recipe.id, slot: ImageSlot.COVER },
            (loaded, total) => setUpload({ step: 'uploading', loaded, total }),
            () => setUpload({ step: 'checking' }),
          );
        } catch {
          photo = 'failed';
        }
      }
      await queryClient.invalidateQueries();
      await navigate({ to: '/r/$slug/edit', params: { slug: recipe.slug }, search: { created: 1, ...(photo ? { photo } : {}) } });
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
        busy={create.isPending || upload.step === 'uploading' || upload.step === 'checking'}
        error={create.error ? describeError(create.error) : null}
        onSubmit={(recipe) => create.mutate(recipe)}
      >
        <div className="field">
          <label htmlFor={`${id}-cover`}>
            Cover photo (optional)
            <span className="hint" id={`${id}-cover-hint`}>
              JPEG, PNG, WebP, AVIF or HEIC, landscape works best. It is uploaded when the draft is saved.
            </span>
          </label>
          <input
            id={`${id}-cover`}
            type="file"
            accept={acceptedPhotos.join(',')}
            aria-describedby={`${id}-cover-hint ${id}-cover-status`}
            onChange={(e) => setCover(e.target.files?.[0] ?? null)}
          />
          <div id={`${id}-cover-status`} role="status" className="cover-upload__status">
            <UploadStatus state={upload} id={`${id}-cover`} />
          </div>
        </div>
      </RecipeForm>
    </section>
  );
}
