import { createQueryOptions } from '@connectrpc/connect-query';
import type { Transport } from '@connectrpc/connect';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { DietaryFlag, Difficulty, MealType, SearchService, SearchSort, TimeBucket, type SearchRecipesRequestSchema } from '@yeet/contract';
import { list } from './query-string';

/** The whole state of a search page, as it appears in the URL. */
export interface SearchState {
  q?: string;
  cuisine?: string[];
  meal?: string[];
  difficulty?: string[];
  time?: string[];
  tag?: string[];
  diet?: string[];
  sort?: SortName;
  page?: number;
}

export const sorts = { relevance: SearchSort.RELEVANCE, newest: SearchSort.NEWEST, top: SearchSort.TOP_RATED, quickest: SearchSort.QUICKEST } as const;
export type SortName = keyof typeof sorts;
export const sortLabels: Record<SortName, string> = { relevance: 'Best match', newest: 'Newest', top: 'Top rated', quickest: 'Quickest' };

const meals: Record<string, MealType> = {
  breakfast: MealType.BREAKFAST,
  lunch: MealType.LUNCH,
  dinner: MealType.DINNER,
  dessert: MealType.DESSERT,
  snack: MealType.SNACK,
  drink: MealType.DRINK,
  side: MealType.SIDE,
};
const difficulties: Record<string, Difficulty> = { easy: Difficulty.EASY, medium: Difficulty.MEDIUM, hard: Difficulty.HARD };
const times: Record<string, TimeBucket> = {
  'up-to-15': TimeBucket.MINUTES_0_TO_15,
  '15-to-30': TimeBucket.MINUTES_15_TO_30,
  '30-to-60': TimeBucket.MINUTES_30_TO_60,
  '1-to-2-hours': TimeBucket.HOURS_1_TO_2,
  'over-2-hours': TimeBucket.HOURS_2_PLUS,
};
const diets: Record<string, DietaryFlag> = {
  vegetarian: DietaryFlag.VEGETARIAN,
  vegan: DietaryFlag.VEGAN,
  'gluten-free': DietaryFlag.GLUTEN_FREE,
  'dairy-free': DietaryFlag.DAIRY_FREE,
  'nut-free': DietaryFlag.NUT_FREE,
};

/** Which URL key holds each facet of the API. */
export const facetKeys = {
  cuisines: 'cuisine',
  meal_types: 'meal',
  difficulty: 'difficulty',
  time_buckets: 'time',
  tags: 'tag',
  dietary_flags: 'diet',
} as const satisfies Record<string, keyof SearchState>;

export const facetTitles: Record<keyof typeof facetKeys, string> = {
  cuisines: 'Cuisine',
  meal_types: 'Meal',
  difficulty: 'Difficulty',
  time_buckets: 'Total time',
  tags: 'Tags',
  dietary_flags: 'Diet',
};

/** Anything in the URL becomes a valid state; unknown values are dropped. */
export function validateSearchState(raw: Record<string, unknown>): SearchState {
  const known = (values: string[], allowed: Record<string, unknown>) => values.filter((v) => v in allowed);
  const page = Number(raw.page);
  const state: SearchState = {
    q: typeof raw.q === 'string' ? raw.q.slice(0, 200) : undefined,
    cuisine: list(raw.cuisine),
    meal: known(list(raw.meal), meals),
    difficulty: known(list(raw.difficulty), difficulties),
    time: known(list(raw.time), times),
    tag: list(raw.tag),
    diet: known(list(raw.diet), diets),
    sort: typeof raw.sort === 'string' && raw.sort in sorts ? (raw.sort as SortName) : undefined,
    page: Number.isInteger(page) && page > 1 ? Math.min(page, 50) : undefined,
  };
  return compact(state);
}

/** Drops empty fields, so URLs stay short. */
export function compact(state: SearchState): SearchState {
  return Object.fromEntries(
    Object.entries(state).filter(([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)),
  ) as SearchState;
}

export const pageSize = 12;

export function searchRequest(state: SearchState): MessageInitShape<typeof SearchRecipesRequestSchema> {
  return {
    query: state.q ?? '',
    filter: {
      cuisines: state.cuisine ?? [],
      mealTypes: (state.meal ?? []).map((m) => meals[m]!),
      difficulties: (state.difficulty ?? []).map((d) => difficulties[d]!),
      timeBuckets: (state.time ?? []).map((t) => times[t]!),
      tags: state.tag ?? [],
      dietaryFlags: (state.diet ?? []).map((d) => diets[d]!),
    },
    sort: state.sort ? sorts[state.sort] : SearchSort.UNSPECIFIED,
    pageSize,
    page: state.page ?? 1,
  };
}

export const searchQuery = (transport: Transport, state: SearchState) =>
  createQueryOptions(SearchService.method.searchRecipes, searchRequest(state), { transport });

/** The state with one facet value switched on or off (back to the first page). */
export function toggled(state: SearchState, key: (typeof facetKeys)[keyof typeof facetKeys], value: string): SearchState {
  const current = state[key] ?? [];
  const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
  return compact({ ...state, [key]: next, page: undefined });
}

export const hasFilters = (s: SearchState) => Object.values(facetKeys).some((k) => (s[k]?.length ?? 0) > 0);
