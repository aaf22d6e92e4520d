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
import { defineMessages, messagesIn, useMessages } from '../lib/i18n';
import { recipeClient } from '../lib/rpc';

const messages = defineMessages('newRecipe', {
  title: 'New recipe — Eat or Yeet',
  heading: 'New recipe',
  lead: 'Save it as a draft; submit it for review when it is ready. Editors check every recipe before it is published. Found it on another site?',
  import: 'Import it from the link',
  save: 'Save draft',
  cover: 'Cover photo (optional)',
  coverHint: 'JPEG, PNG, WebP, AVIF or HEIC, landscape works best. It is uploaded when the draft is saved.',
});

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
  head: ({ match }) => ({ meta: [{ title: messagesIn(messages, match.context.locale).title }] }),
  component: NewRecipe,
});

function NewRecipe() {
  const { me, allowed } = Route.useRouteContext();
  return allowed ? <Draft /> : <RoleNeeded me={me} needs="author" page="writing" />;
}

function Draft() {
  const { transport } = Route.useRouteContext();
  const t = useMessages(messages);
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
      <h1 id="new-title">{t.heading}</h1>
      <p className="lead">
        {t.lead} <Link to="/import">{t.import}</Link>.
      </p>
      <RecipeForm
        submitLabel={t.save}
        busy={create.isPending || upload.step === 'uploading' || upload.step === 'checking'}
        error={create.error ? describeError(create.error) : null}
        onSubmit={(recipe) => create.mutate(recipe)}
      >
        <div className="field">
          <label htmlFor={`${id}-cover`}>
            {t.cover}
            <span className="hint" id={`${id}-cover-hint`}>
              {t.coverHint}
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
