import { useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, useNavigate, useRouterState } from '@tanstack/react-router';
import { RecipeStatus, type Recipe } from '@yeet/contract';
import { AddToShoppingList } from '../components/add-to-shopping-list';
import { RecipeCover, RecipeImage } from '../components/cover';
import { IngredientList } from '../components/ingredients';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { PlanThis } from '../components/plan-this';
import { Stars } from '../components/rating';
import { preloadRecipeActions, RecipeActions } from '../components/recipe-actions';
import { SaveRecipe } from '../components/save-recipe';
import { Reviews } from '../components/reviews';
import { ScaledNote, ServingsControl } from '../components/servings';
import { StatusBanner } from '../components/status-banner';
import { meQuery, publicOrigin, recipeBySlug, recipeRatings, useMe } from '../lib/api';
import { formatMinutes, isoDuration } from '../lib/format';
import { defineMessages, messagesIn, params, useMessages } from '../lib/i18n';
import { useLabels } from '../lib/labels';
import { parseServings } from '@yeet/domain/quantity';
import { onLoadError } from '../lib/status';

const messages = defineMessages('recipe', {
  asServed: params('{title}, as served'),
  by: params('By {name}'),
  adaptedFrom: 'Adapted from',
  ingredients: 'Ingredients',
  method: 'Method',
  step: params('Step {n}'),
  prep: 'Prep',
  cook: 'Cook',
  total: 'Total',
  serves: 'Serves',
  difficulty: 'Difficulty',
  facts: 'Recipe facts',
  categories: 'Categories',
});

export const Route = createFileRoute('/r/$slug')({
  // The router lays what this returns over the query string as parsed, so an unusable count
  // ("abc", "-2", "0", "1e3") must be overwritten (undefined: the recipe's own), not left out.
  validateSearch: (search: Record<string, unknown>): { servings?: number } => ({
    servings: parseServings(search.servings, 0) || undefined,
  }),
  loader: async ({ context: { queryClient, transport }, params: { slug } }) => {
    // The JSON-LD's code comes with the first recipe page a browser opens, not with every
    // page's first load (this route's options are in every page's route tree: decision 0045).
    const schema = import('../lib/recipe-schema');
    schema.catch(() => undefined); // awaited below; a failed call must not leave it unhandled
    // Someone signed in: the code of their actions on the recipe comes before the page, not after it.
    const actions = queryClient.getQueryData(meQuery(transport).queryKey) ? preloadRecipeActions() : undefined;
    const recipe = await queryClient.ensureQueryData(recipeBySlug(transport, slug));
    await queryClient.ensureQueryData(recipeRatings(transport, recipe.id));
    await actions;
    const origin = publicOrigin();
    return {
      title: recipe.title,
      summary: recipe.summary,
      url: `${origin}/r/${recipe.slug}`,
      image: recipe.coverImage?.variants.at(-1),
      // Unpublished recipes are private: nothing for crawlers or link previews.
      published: recipe.status === RecipeStatus.PUBLISHED,
      jsonLd: (await schema).recipeJsonLd(recipe, origin),
    };
  },
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: ({ loaderData: d, match }) =>
    d
      ? {
          meta: [
            { title: `${d.title} — Eat or Yeet` },
            { name: 'description', content: d.summary },
            ...(d.published
              ? [
                  { property: 'og:type', content: 'article' },
                  { property: 'og:site_name', content: 'Eat or Yeet' },
                  { property: 'og:title', content: d.title },
                  { property: 'og:description', content: d.summary },
                  { property: 'og:url', content: d.url },
                  ...(d.image
                    ? [
                        { property: 'og:image', content: d.image.url },
                        { property: 'og:image:width', content: String(d.image.width) },
                        { property: 'og:image:height', content: String(d.image.height) },
                        {
                          property: 'og:image:alt',
                          content: messagesIn(messages, match.context.locale).asServed({ title: d.title }),
                        },
                      ]
                    : []),
                  { name: 'twitter:card', content: d.image ? 'summary_large_image' : 'summary' },
                  { 'script:ld+json': d.jsonLd },
                ]
              : [{ name: 'robots', content: 'noindex' }]),
          ],
          links: d.published ? [{ rel: 'canonical', href: d.url }] : [],
        }
      : {},
  component: RecipePage,
});

function RecipePage() {
  const { slug } = Route.useParams();
  const search = Route.useSearch();
  const navigate = useNavigate({ from: '/r/$slug' });
  const { transport } = Route.useRouteContext();
  const here = useRouterState({ select: (s) => s.location.href });
  const me = useMe();
  const recipe = useSuspenseQuery(recipeBySlug(transport, slug)).data;
  const servings = search.servings ?? recipe.servings;
  const factor = servings / recipe.servings;
  const t = useMessages(messages);
  const { cuisine } = useLabels();
  // never published: nobody can rate it yet, so nothing on the page speaks of ratings
  const draft = recipe.status === RecipeStatus.DRAFT || recipe.status === RecipeStatus.IN_REVIEW;
  return (
    <article className="recipe">
      <StatusBanner recipe={recipe} />
      <RecipeActions recipe={recipe} me={me} />
      <SaveRecipe recipe={recipe} me={me} />
      <PlanThis recipe={recipe} servings={servings} me={me} />
      <header className="recipe__header">
        <div className="recipe__intro">
          <p className="eyebrow">{recipe.cuisines.map(cuisine).join(' · ')}</p>
          <h1>{recipe.title}</h1>
          <p className="recipe__summary">{recipe.summary}</p>
          <p className="recipe__byline">
            {t.by({ name: recipe.author?.displayName ?? '' })}
            {/* nothing about ratings on a recipe nobody can rate yet (not published) */}
            {draft ? null : (
              <>
                {' · '}
                <a href="#reviews-title" className="recipe__rating-link">
                  <Stars average={recipe.rating?.average ?? 0} count={recipe.rating?.count ?? 0} />
                </a>
              </>
            )}
          </p>
          {recipe.source ? (
            <p className="recipe__source">
              {t.adaptedFrom}{' '}
              <a href={recipe.source.url} rel="noopener noreferrer nofollow">
                {recipe.source.siteName}
              </a>
            </p>
          ) : null}
        </div>
        <RecipeCover
          recipe={recipe}
          alt={t.asServed({ title: recipe.title })}
          sizes="(min-width: 48rem) 40vw, 100vw"
          className="recipe__cover"
          priority
        />
      </header>

      <Facts recipe={recipe} />

      <div className="recipe__body">
        <section className="ingredients" aria-labelledby="ingredients-title">
          <h2 id="ingredients-title">{t.ingredients}</h2>
          <ServingsControl
            servings={servings}
            base={recipe.servings}
            onChange={(n) =>
              void navigate({ search: n === recipe.servings ? {} : { servings: n }, replace: true, resetScroll: false })
            }
          />
          <ScaledNote from={recipe.servings} to={servings} />
          <AddToShoppingList recipe={recipe} servings={servings} me={me} />
          <IngredientList recipe={recipe} factor={factor} />
        </section>

        <section className="method" aria-labelledby="method-title">
          <h2 id="method-title">{t.method}</h2>
          <ol className="steps">
            {recipe.steps.map((step, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a step is its number
              <li key={i}>
                <StepText text={step.text} />
                {step.image ? (
                  <RecipeImage
                    image={step.image}
                    alt={t.step({ n: i + 1 })}
                    sizes="(min-width: 48rem) 30rem, 90vw"
                    className="step__photo"
                  />
                ) : null}
              </li>
            ))}
          </ol>
        </section>
      </div>

      {draft ? null : <Reviews recipe={recipe} me={me} returnTo={here} />}
    </article>
  );
}

function Facts({ recipe }: { recipe: Recipe }) {
  const t = useMessages(messages);
  const labels = useLabels();
  const facts: Array<[string, React.ReactNode]> = [
    [
      t.prep,
      <time key="prep" dateTime={isoDuration(recipe.prepMinutes)}>
        {formatMinutes(recipe.prepMinutes)}
      </time>,
    ],
    [
      t.cook,
      <time key="cook" dateTime={isoDuration(recipe.cookMinutes)}>
        {formatMinutes(recipe.cookMinutes)}
      </time>,
    ],
    [
      t.total,
      <time key="total" dateTime={isoDuration(recipe.totalMinutes)}>
        {formatMinutes(recipe.totalMinutes)}
      </time>,
    ],
    [t.serves, recipe.servings],
    [t.difficulty, labels.difficulty(recipe.difficulty) || '—'],
  ];
  const chips = [
    ...recipe.mealTypes.map(labels.mealType),
    ...recipe.dietaryFlags.map(labels.dietaryFlag),
    ...recipe.tags.map((t) => `#${t}`),
  ];
  return (
    <section className="facts" aria-label={t.facts}>
      <dl className="facts__list">
        {facts.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {chips.length ? (
        <ul className="chips" aria-label={t.categories}>
          {chips.map((c) => (
            <li key={c} className="chip">
              {c}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/** Steps allow **bold** and _italic_; everything else is plain text (no HTML from users). */
function StepText({ text }: { text: string }) {
  // each part is known by where it starts in the text
  let start = 0;
  const parts = text.split(/(\*\*[^*]+\*\*|_[^_]+_)/g).map((part) => {
    const key = start;
    start += part.length;
    if (part.startsWith('**') && part.endsWith('**') && part.length > 4) return <strong key={key}>{part.slice(2, -2)}</strong>;
    if (part.startsWith('_') && part.endsWith('_') && part.length > 2) return <em key={key}>{part.slice(1, -1)}</em>;
    return part;
  });
  return <p>{parts}</p>;
}
