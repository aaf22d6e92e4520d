import type { MessageInitShape } from '@bufbuild/protobuf';
import type { Transport } from '@connectrpc/connect';
import { queryOptions, useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link, useNavigate } from '@tanstack/react-router';
import type { FormEvent } from 'react';
import type { ImportRecipeRequestSchema, ImportRecipeResponse } from '@yeet/contract';
import { formatIngredients } from '@yeet/domain/quantity';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { requireUser } from '../lib/auth';
import { describeError, sentence } from '../lib/errors';
import { formatMinutes, titleCase } from '../lib/format';
import { defineMessages, messagesIn, params, useMessages } from '../lib/i18n';
import { useLabels } from '../lib/labels';
import { onLoadError } from '../lib/status';
import { isConnectError, recipeClient } from '../lib/rpc';

/**
 * Importing a recipe from another site (RecipeService.ImportRecipe): a link, or the recipe
 * pasted as text (or as the page's HTML). Reading is a plain GET form whose preview the server
 * renders, so it works without scripts; "Create draft" saves it and goes on to the editor.
 */
interface ImportSearch {
  url?: string;
  text?: string;
}

const field = (v: unknown, max: number) => (typeof v === 'string' && v.trim() ? v.slice(0, max) : undefined);

// the title apart: the route's head is in every page's first load, the page's words are not
const titles = defineMessages('importTitle', { title: 'Import a recipe — Eat or Yeet' });
const messages = defineMessages('importRecipe', {
  heading: 'Import a recipe',
  lead: 'Give the link to a recipe on another site, or paste the recipe. You see what was found before anything is saved; the draft is yours to finish and submit.',
  scratch: 'Write one from scratch',
  instead: ' instead.',
  fromLink: 'From a link',
  address: 'Address of the recipe page',
  addressHint: 'The whole address, starting with https://',
  readPage: 'Read the page',
  orPaste: 'Or paste it',
  recipe: 'The recipe',
  recipeHint:
    'Its title on the first line, then the ingredients under “Ingredients” and the steps under “Method”, one per line. A page’s HTML works too.',
  reading: 'Reading…',
  readText: 'Read the text',
  found: params('Found: {title}'),
  from: 'From',
  total: params('Total {time}'),
  serves: params('Serves {n}'),
  tags: params('Tags: {tags}'),
  photo: 'The page’s photo becomes the cover.',
  noPhoto: 'The page has no photo; add one in the editor.',
  ingredients: 'Ingredients',
  method: 'Method',
  notOnPage: 'Not on the page',
  fillIn: params('{missing} Fill these in on the draft before submitting it.'),
  nothingMissing: 'Nothing: everything was found.',
  notCreated: 'The draft could not be created.',
  needsScript: 'Creating the draft needs JavaScript; the preview above works without it.',
  creating: 'Creating the draft…',
  create: 'Create draft',
});

/** What the page did not give, in words (the API names RecipeInput fields). */
const missingLabels = defineMessages('importMissing', {
  title: 'a title',
  summary: 'a summary',
  ingredient_sections: 'ingredients',
  steps: 'a method',
  servings: 'servings (4 assumed)',
  prep_minutes: 'prep time',
  cook_minutes: 'cook time',
  total_minutes: 'total time',
  cuisines: 'cuisine',
  meal_types: 'meal type',
  dietary_flags: 'dietary labels',
  tags: 'tags',
  difficulty: 'difficulty',
  cover_image: 'a photo',
});

type ImportInput = MessageInitShape<typeof ImportRecipeRequestSchema>['input'];

/** Pasted text that reads as a page's HTML is sent as a page, the rest as text. */
function inputOf(s: ImportSearch): ImportInput | null {
  if (s.url) return { case: 'url', value: s.url.trim() };
  if (!s.text) return null;
  return /^\s*</.test(s.text) ? { case: 'page', value: { html: s.text, url: '' } } : { case: 'text', value: s.text };
}

type Preview = { found: ImportRecipeResponse; error: null } | { found: null; error: ReturnType<typeof describeError> };

const importPreview = (transport: Transport, s: ImportSearch) =>
  queryOptions({
    queryKey: ['import-preview', s],
    // A page is fetched once per address read, not again on every render.
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
    queryFn: async ({ signal }): Promise<Preview | null> => {
      const input = inputOf(s);
      if (!input) return null;
      try {
        // Another site may take up to the guard's 10 s to answer.
        const found = await recipeClient(transport).importRecipe({ input, preview: true }, { signal, timeoutMs: 20_000 });
        return { found, error: null };
      } catch (error) {
        if (!isConnectError(error)) throw error;
        return { found: null, error: describeError(error) };
      }
    },
  });

export const Route = createFileRoute('/import')({
  validateSearch: (raw: Record<string, unknown>): ImportSearch => ({
    url: field(raw.url, 2048),
    text: field(raw.text, 100_000),
  }),
  beforeLoad: ({ context, location }) => requireUser(context, location, 'author'),
  loaderDeps: ({ search }) => search,
  loader: async ({ context: { queryClient, transport }, deps }) => {
    await queryClient.ensureQueryData(importPreview(transport, deps));
  },
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: ({ match }) => ({ meta: [{ title: messagesIn(titles, match.context.locale).title }] }),
  component: ImportPage,
});

function ImportPage() {
  const search = Route.useSearch();
  const { transport } = Route.useRouteContext();
  const preview = useSuspenseQuery(importPreview(transport, search)).data;
  const t = useMessages(messages);
  // With scripts, pasted text is read by a POST: a page's HTML is far too long for an address.
  // Without them the form is a GET, which carries a pasted recipe of ordinary length.
  const pasted = useMutation({
    mutationFn: async (text: string) => {
      const input = inputOf({ text })!;
      return {
        input,
        found: await recipeClient(transport).importRecipe({ input, preview: true }, { timeoutMs: 20_000 }),
      };
    },
  });
  const shown = pasted.data ?? (preview?.found ? { input: inputOf(search)!, found: preview.found } : null);
  const urlError = search.url && preview?.error && !pasted.data ? preview.error : null;
  const textError = pasted.error
    ? describeError(pasted.error)
    : !search.url && search.text && preview?.error && !pasted.data
      ? preview.error
      : null;
  const readPasted = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = String(new FormData(event.currentTarget).get('text') ?? '');
    if (text.trim()) pasted.mutate(text);
  };
  return (
    <section className="narrow" aria-labelledby="import-title">
      <h1 id="import-title">{t.heading}</h1>
      <p className="lead">
        {t.lead} <Link to="/new">{t.scratch}</Link>
        {t.instead}
      </p>

      <form method="get" action="/import" className="import-form" aria-labelledby="import-url-title">
        <h2 id="import-url-title">{t.fromLink}</h2>
        <div className="field">
          <label htmlFor="import-url">
            {t.address}
            <span className="hint" id="import-url-hint">
              {t.addressHint}
            </span>
          </label>
          <input
            id="import-url"
            name="url"
            type="url"
            inputMode="url"
            required
            defaultValue={search.url ?? ''}
            aria-invalid={Boolean(urlError)}
            aria-describedby={urlError ? 'import-url-hint import-url-error' : 'import-url-hint'}
          />
          {urlError ? (
            <p className="field-error" id="import-url-error" role="alert">
              {urlError.message}
            </p>
          ) : null}
        </div>
        <button type="submit" className="button">
          {t.readPage}
        </button>
      </form>

      {/* What was found comes right after the link form, where the eye is once the page is read. */}
      {shown ? <Found key={JSON.stringify(shown.input)} response={shown.found} input={shown.input} /> : null}

      <form
        method="get"
        action="/import"
        className="import-form"
        aria-labelledby="import-text-title"
        onSubmit={readPasted}
        aria-busy={pasted.isPending}
      >
        <h2 id="import-text-title">{t.orPaste}</h2>
        <div className="field">
          <label htmlFor="import-text">
            {t.recipe}
            <span className="hint" id="import-text-hint">
              {t.recipeHint}
            </span>
          </label>
          <textarea
            id="import-text"
            name="text"
            rows={8}
            required
            defaultValue={search.url ? '' : (search.text ?? '')}
            aria-invalid={Boolean(textError)}
            aria-describedby={textError ? 'import-text-hint import-text-error' : 'import-text-hint'}
          />
          {textError ? (
            <p className="field-error" id="import-text-error" role="alert">
              {textError.message}
            </p>
          ) : null}
        </div>
        <button type="submit" className="button button--quiet" disabled={pasted.isPending}>
          {pasted.isPending ? t.reading : t.readText}
        </button>
      </form>
    </section>
  );
}

function Found({ response, input }: { response: ImportRecipeResponse; input: NonNullable<ImportInput> }) {
  const { transport } = Route.useRouteContext();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const t = useMessages(messages);
  const missingWords = useMessages(missingLabels) as Record<string, string>;
  const labels = useLabels();
  // No Idempotency-Key: a keyed write runs in one transaction, which would stay open while the
  // other site answers (decision 0023). The button is disabled while the import runs.
  const create = useMutation({
    mutationFn: () => recipeClient(transport).importRecipe({ input, preview: false }, { timeoutMs: 30_000 }),
    onSuccess: async ({ recipe: saved }) => {
      await queryClient.invalidateQueries();
      if (saved) await navigate({ to: '/r/$slug/edit', params: { slug: saved.slug }, search: { created: 1 } });
    },
  });
  const r = response.recipe;
  if (!r) return null;
  const missing = response.missingFields.map((f) => missingWords[f] ?? f.replace(/_/g, ' '));
  const error = create.error ? describeError(create.error) : null;
  const facts = [
    r.totalMinutes ? t.total({ time: formatMinutes(r.totalMinutes) }) : '',
    t.serves({ n: r.servings }),
    // a cuisine of ours by its name in the reader's language, another as the page wrote it
    r.cuisines.map((c) => (labels.cuisine(c) === c ? titleCase(c) : labels.cuisine(c))).join(', '),
    r.mealTypes.map(labels.mealType).join(', '),
    r.dietaryFlags.map(labels.dietaryFlag).join(', '),
  ].filter(Boolean);
  return (
    <section className="import-preview" aria-labelledby="import-found-title">
      <h2 id="import-found-title">{t.found({ title: r.title })}</h2>
      {response.source ? (
        <p className="import-preview__source">
          {t.from}{' '}
          <a href={response.source.url} rel="noopener noreferrer nofollow">
            {response.source.siteName}
          </a>
        </p>
      ) : null}
      {r.summary ? <p>{r.summary}</p> : null}
      <p>{facts.join(' · ')}</p>
      {r.tags.length ? <p>{t.tags({ tags: r.tags.join(', ') })}</p> : null}
      <p>{response.imageUrl ? t.photo : t.noPhoto}</p>
      <h3>{t.ingredients}</h3>
      <pre className="import-preview__text">{formatIngredients(r.ingredientSections) || '—'}</pre>
      <h3>{t.method}</h3>
      {r.steps.length ? (
        <ol>
          {r.steps.map((s, i) => (
            // Steps have no identity of their own; their order is what they are.
            // biome-ignore lint/suspicious/noArrayIndexKey: the position is the key
            <li key={i}>{s.text}</li>
          ))}
        </ol>
      ) : (
        <p>—</p>
      )}
      <div className="import-preview__missing">
        <h3 id="import-missing-title">{t.notOnPage}</h3>
        <p>{missing.length ? t.fillIn({ missing: sentence(missing.join(', ')) }) : t.nothingMissing}</p>
      </div>
      {error ? (
        <div className="alert" role="alert">
          <p>
            <strong>{t.notCreated}</strong> {error.message}
          </p>
        </div>
      ) : null}
      <noscript>
        <p>{t.needsScript}</p>
      </noscript>
      <button
        type="button"
        className="button"
        onClick={() => create.mutate()}
        disabled={create.isPending}
        aria-busy={create.isPending}
      >
        {create.isPending ? t.creating : t.create}
      </button>
    </section>
  );
}
