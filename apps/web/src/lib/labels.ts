import { dietaryFlagValues, difficultyValues, mealTypeValues, type ValueMap } from '@yeet/contract';
import {
  cuisineLabels,
  dietaryFlagLabels,
  difficultyLabels,
  mealTypeLabels,
  recipeSortLabels,
  recipeStatusLabels,
  searchSortLabels,
  timeBucketLabels,
} from '@yeet/domain/values';
import { defineMessages, type MessageSet, useMessages } from './i18n';
import type { facetKeys } from './search';

/**
 * The words people read for the platform's values, in the reader's language. English comes
 * from @yeet/domain/values (the one list of them), German from ../i18n/de.ts.
 */
export const difficulty = defineMessages('difficulty', difficultyLabels);
export const mealType = defineMessages('mealType', mealTypeLabels);
export const dietaryFlag = defineMessages('dietaryFlag', dietaryFlagLabels);
const cuisine = defineMessages('cuisine', cuisineLabels);
const timeBucket = defineMessages('timeBucket', timeBucketLabels);
const searchSort = defineMessages('searchSort', searchSortLabels);
const recipeSort = defineMessages('recipeSort', recipeSortLabels);
const recipeStatus = defineMessages('recipeStatus', recipeStatusLabels);
// here, not with the search code: the recipe and home pages name values without loading it
const facetTitles: Record<keyof typeof facetKeys, string> = {
  cuisines: 'Cuisine',
  meal_types: 'Meal',
  difficulty: 'Difficulty',
  time_buckets: 'Total time',
  tags: 'Tags',
  dietary_flags: 'Diet',
};
const facetTitle = defineMessages('facetTitle', facetTitles);

/** Reads an enum value the API sent by its label; '' for UNSPECIFIED or a value this build does not know. */
function labelled<D extends string>(map: ValueMap<D, number>, labels: Record<D, string>): (value: number) => string {
  return (value) => {
    const name = map.toDomain(value);
    return name === undefined ? '' : labels[name];
  };
}

/** The search facets whose values have words of ours (tags are the recipes' own words). */
const facetValues: Record<string, MessageSet<Record<string, string>>> = {
  cuisines: cuisine,
  meal_types: mealType,
  difficulty,
  time_buckets: timeBucket,
  dietary_flags: dietaryFlag,
};

export function useLabels() {
  const d = useMessages(difficulty);
  const m = useMessages(mealType);
  const f = useMessages(dietaryFlag);
  const c = useMessages(cuisine) as Record<string, string>;
  const sets = {
    cuisines: c,
    meal_types: m as Record<string, string>,
    difficulty: d as Record<string, string>,
    time_buckets: useMessages(timeBucket) as Record<string, string>,
    dietary_flags: f as Record<string, string>,
  };
  return {
    difficulty: labelled(difficultyValues, d),
    mealType: labelled(mealTypeValues, m),
    dietaryFlag: labelled(dietaryFlagValues, f),
    /** A cuisine's name ("middle-eastern": "Middle Eastern"), or the name as written for one not on our list. */
    cuisine: (name: string) => c[name] ?? name,
    /** A search facet's value in the reader's language; `label` (the API's) for one we have no words for. */
    facetValue: (facet: string, value: string, label: string) =>
      (facet in facetValues ? sets[facet as keyof typeof sets][value] : undefined) ?? label,
    /** A search facet's title ("Cuisine"). */
    facetTitle: useMessages(facetTitle),
    searchSort: useMessages(searchSort),
    recipeSort: useMessages(recipeSort),
    recipeStatus: useMessages(recipeStatus),
  };
}

/** In English: schema.org's recipeCategory in the page's JSON-LD (lib/recipe-schema.ts). */
export const mealTypeLabel = labelled(mealTypeValues, mealTypeLabels);
