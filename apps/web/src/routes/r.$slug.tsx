import { useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, notFound } from '@tanstack/react-router';
import type { Recipe } from '@yeet/contract';
import { CoverPlaceholder, RecipeImage } from '../components/cover';
import { Stars } from '../components/rating';
import { isNotFound, isUnavailable, recipeBySlug } from '../lib/api';
import { formatMinutes, formatQuantity, isoDuration, titleCase } from '../lib/format';
import { dietaryLabels, difficultyLabels, mealTypeLabels } from '../lib/labels';
import { setSsrStatus } from '../lib/status';

export const Route = createFileRoute('/r/$slug')({
  loader: async ({ context: { queryClient, transport }, params: { slug } }) => {
    try {
      const { recipe } = await queryClient.ensureQueryData(recipeBySlug(transport, slug));
      return { title: recipe?.title ?? '', summary: recipe?.summary ?? '' };
    } catch (error) {
      if (isNotFound(error)) throw notFound();
      setSsrStatus(isUnavailable(error) ? 503 : 500);
      throw error;
    }
  },
  head: ({ loaderData }) => ({
    meta: loaderData
      ? [
          { title: `${loaderData.title} — Eat or Yeet` },
          { name: 'description', content: loaderData.summary },
        ]
      : [],
  }),
  component: RecipePage,
});

function RecipePage() {
  const { slug } = Route.useParams();
  const { transport } = Route.useRouteContext();
  const recipe = useSuspenseQuery(recipeBySlug(transport, slug)).data.recipe;
  if (!recipe) return null;
  return (
    <article className="recipe">
      <header className="recipe__header">
        <div className="recipe__intro">
          <p className="eyebrow">{recipe.cuisines.map(titleCase).join(' · ')}</p>
          <h1>{recipe.title}</h1>
          <p className="recipe__summary">{recipe.summary}</p>
          <p className="recipe__byline">
            By {recipe.author?.displayName} ·{' '}
            <Stars average={recipe.rating?.average ?? 0} count={recipe.rating?.count ?? 0} />
          </p>
        </div>
        {recipe.coverImage ? (
          <RecipeImage
            image={recipe.coverImage}
            alt={`${recipe.title}, as served`}
            sizes="(min-width: 48rem) 40vw, 100vw"
            className="recipe__cover"
            priority
          />
        ) : (
          <CoverPlaceholder slug={recipe.slug} title={recipe.title} className="recipe__cover" />
        )}
      </header>

      <Facts recipe={recipe} />

      <div className="recipe__body">
        <section className="ingredients" aria-labelledby="ingredients-title">
          <h2 id="ingredients-title">Ingredients</h2>
          <p className="ingredients__servings">For {recipe.servings} {recipe.servings === 1 ? 'serving' : 'servings'}</p>
          {recipe.ingredientSections.map((section, i) => (
            <div key={i} className="ingredients__section">
              {section.name ? <h3>{section.name}</h3> : null}
              <ul>
                {section.ingredients.map((ing, j) => (
                  <li key={j}>
                    {ing.quantity !== undefined ? <strong>{formatQuantity(ing.quantity)}</strong> : null}
                    {ing.unit ? ` ${ing.unit}` : ''} {ing.item}
                    {ing.note ? <span className="ingredients__note">, {ing.note}</span> : null}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>

        <section className="method" aria-labelledby="method-title">
          <h2 id="method-title">Method</h2>
          <ol className="steps">
            {recipe.steps.map((step, i) => (
              <li key={i}>
                <StepText text={step.text} />
                {step.image ? <RecipeImage image={step.image} alt={`Step ${i + 1}`} sizes="(min-width: 48rem) 30rem, 90vw" className="step__photo" /> : null}
              </li>
            ))}
          </ol>
        </section>
      </div>
    </article>
  );
}

function Facts({ recipe }: { recipe: Recipe }) {
  const facts: Array<[string, React.ReactNode]> = [
    ['Prep', <time dateTime={isoDuration(recipe.prepMinutes)}>{formatMinutes(recipe.prepMinutes)}</time>],
    ['Cook', <time dateTime={isoDuration(recipe.cookMinutes)}>{formatMinutes(recipe.cookMinutes)}</time>],
    ['Total', <time dateTime={isoDuration(recipe.totalMinutes)}>{formatMinutes(recipe.totalMinutes)}</time>],
    ['Serves', recipe.servings],
    ['Difficulty', difficultyLabels[recipe.difficulty] || '—'],
  ];
  const chips = [
    ...recipe.mealTypes.map((m) => mealTypeLabels[m]),
    ...recipe.dietaryFlags.map((d) => dietaryLabels[d]),
    ...recipe.tags.map((t) => `#${t}`),
  ];
  return (
    <section className="facts" aria-label="Recipe facts">
      <dl className="facts__list">
        {facts.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {chips.length ? (
        <ul className="chips" aria-label="Categories">
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
  const parts = text.split(/(\*\*[^*]+\*\*|_[^_]+_)/g);
  return (
    <p>
      {parts.map((part, i) => {
        if (part.startsWith('**') && part.endsWith('**') && part.length > 4) return <strong key={i}>{part.slice(2, -2)}</strong>;
        if (part.startsWith('_') && part.endsWith('_') && part.length > 2) return <em key={i}>{part.slice(1, -1)}</em>;
        return part;
      })}
    </p>
  );
}
