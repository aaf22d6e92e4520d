import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { DietaryFlag, MealType, RecipeSchema, RecipeStatus } from '@yeet/contract';
import { describe, expect, it } from 'vitest';
import { sentence } from '../src/lib/errors';
import { recipeJsonLd } from '../src/lib/recipe-schema';

describe('schema.org Recipe', () => {
  const recipe = create(RecipeSchema, {
    slug: 'miso-soup',
    title: 'Miso Soup',
    summary: 'Savoury and quick. </script><script>alert(1)</script>',
    servings: 2,
    prepMinutes: 5,
    cookMinutes: 10,
    totalMinutes: 15,
    cuisines: ['japanese'],
    mealTypes: [MealType.LUNCH],
    dietaryFlags: [DietaryFlag.VEGAN, DietaryFlag.NUT_FREE],
    tags: ['soup', 'quick'],
    status: RecipeStatus.PUBLISHED,
    author: { id: 'a', displayName: 'Kenji' },
    rating: { average: 4.5, count: 2 },
    publishTime: timestampFromDate(new Date('2026-01-02T03:04:05Z')),
    ingredientSections: [{ name: '', ingredients: [{ quantity: 2, unit: 'tbsp', item: 'white miso', note: '' }] }],
    steps: [{ text: 'Whisk the **miso** into _hot_ dashi.' }],
  });

  it('describes the recipe as search engines expect', () => {
    expect(recipeJsonLd(recipe, 'https://recipes.example')).toEqual({
      '@context': 'https://schema.org',
      '@type': 'Recipe',
      '@id': 'https://recipes.example/r/miso-soup',
      url: 'https://recipes.example/r/miso-soup',
      name: 'Miso Soup',
      description: 'Savoury and quick. </script><script>alert(1)</script>',
      author: { '@type': 'Person', name: 'Kenji' },
      datePublished: '2026-01-02T03:04:05.000Z',
      prepTime: 'PT5M',
      cookTime: 'PT10M',
      totalTime: 'PT15M',
      recipeYield: '2 servings',
      recipeCuisine: ['japanese'],
      recipeCategory: ['Lunch'],
      keywords: 'soup, quick',
      suitableForDiet: ['https://schema.org/VeganDiet'],
      recipeIngredient: ['2 tbsp white miso'],
      recipeInstructions: [{ '@type': 'HowToStep', position: 1, text: 'Whisk the miso into hot dashi.' }],
      aggregateRating: { '@type': 'AggregateRating', ratingValue: 4.5, ratingCount: 2, bestRating: 5, worstRating: 1 },
    });
  });
});

describe('an imported recipe', () => {
  it('names the page it was adapted from as isBasedOn', () => {
    const imported = create(RecipeSchema, {
      slug: 'leek-soup',
      title: 'Leek soup',
      source: { url: 'https://kitchen.example/leek-soup', siteName: 'Kitchen Example' },
    });
    expect(recipeJsonLd(imported, 'https://recipes.example')).toMatchObject({ isBasedOn: 'https://kitchen.example/leek-soup' });
    expect(recipeJsonLd(create(RecipeSchema, { slug: 'own', title: 'Own' }), 'https://recipes.example')).not.toHaveProperty(
      'isBasedOn',
    );
  });
});

describe('API messages', () => {
  it('turns violation fragments into sentences', () => {
    expect(sentence('give 1 to 5 stars')).toBe('Give 1 to 5 stars.');
    expect(sentence('Already a sentence.')).toBe('Already a sentence.');
  });
});
