import { dietaryFlagValues, type Recipe } from '@yeet/contract';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { DietaryFlag } from '@yeet/domain/values';
import { isoDuration } from './format';
import { mealTypeLabel } from './labels';
import { ingredientText } from '@yeet/domain/quantity';

// https://schema.org/RestrictedDiet members for the flags that have one.
const diets: Partial<Record<DietaryFlag, string>> = {
  vegetarian: 'https://schema.org/VegetarianDiet',
  vegan: 'https://schema.org/VeganDiet',
  'gluten-free': 'https://schema.org/GlutenFreeDiet',
};

/**
 * The recipe as schema.org Recipe JSON-LD (https://schema.org/Recipe), the structured data
 * search engines and recipe apps read. `origin` makes the page URL absolute.
 */
export function recipeJsonLd(recipe: Recipe, origin: string): Record<string, unknown> {
  const url = `${origin}/r/${recipe.slug}`;
  const images = recipe.coverImage?.variants ?? [];
  const suitableForDiet = recipe.dietaryFlags.flatMap((d) => {
    const name = dietaryFlagValues.toDomain(d);
    const url = name && diets[name];
    return url ? [url] : [];
  });
  return {
    '@context': 'https://schema.org',
    '@type': 'Recipe',
    '@id': url,
    url,
    name: recipe.title,
    description: recipe.summary,
    ...(images.length ? { image: images.slice(-3).map((v) => v.url) } : {}),
    ...(recipe.author ? { author: { '@type': 'Person', name: recipe.author.displayName } } : {}),
    ...(recipe.publishTime ? { datePublished: timestampDate(recipe.publishTime).toISOString() } : {}),
    ...(recipe.prepMinutes ? { prepTime: isoDuration(recipe.prepMinutes) } : {}),
    ...(recipe.cookMinutes ? { cookTime: isoDuration(recipe.cookMinutes) } : {}),
    totalTime: isoDuration(recipe.totalMinutes),
    recipeYield: `${recipe.servings} ${recipe.servings === 1 ? 'serving' : 'servings'}`,
    recipeCuisine: recipe.cuisines,
    recipeCategory: recipe.mealTypes.map(mealTypeLabel),
    ...(recipe.tags.length ? { keywords: recipe.tags.join(', ') } : {}),
    ...(suitableForDiet.length ? { suitableForDiet } : {}),
    // An imported recipe names the page it was adapted from.
    ...(recipe.source ? { isBasedOn: recipe.source.url } : {}),
    recipeIngredient: recipe.ingredientSections.flatMap((s) => s.ingredients.map((i) => ingredientText(i, 1))),
    recipeInstructions: recipe.steps.map((step, i) => ({
      '@type': 'HowToStep',
      position: i + 1,
      text: step.text.replace(/\*\*([^*]+)\*\*|_([^_]+)_/g, '$1$2'),
    })),
    ...(recipe.rating && recipe.rating.count > 0
      ? {
          aggregateRating: {
            '@type': 'AggregateRating',
            ratingValue: recipe.rating.average,
            ratingCount: recipe.rating.count,
            bestRating: 5,
            worstRating: 1,
          },
        }
      : {}),
  };
}
