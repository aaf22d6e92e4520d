import type { Transport } from '@connectrpc/connect';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { queryOptions } from '@tanstack/react-query';
import {
  dietaryFlagValues,
  difficultyValues,
  mealTypeValues,
  SearchSort,
  searchSortValues,
  timeBucketValues,
  type SearchRecipesRequestSchema,
  type SearchRecipesResponse,
} from '@yeet/contract';
import {
  dietaryFlags,
  difficulties,
  mealTypes,
  searchSorts,
  timeBuckets,
  type DietaryFlag,
  type Difficulty,
  type MealType,
  type SearchSort as SortName,
  type TimeBucket,
} from '@yeet/domain/values';
import { list } from './query-string';
import { toSummary, type RecipeSummary } from './recipe-lists';
import { searchClient } from './rpc';

/** The whole state of a search page, as it appears in the URL (values by the domain's names). */
export interface SearchState {
  q?: string;
  cuisine?: string[];
  meal?: MealType[];
  difficulty?: Difficulty[];
  time?: TimeBucket[];
  tag?: string[];
  diet?: DietaryFlag[];
  sort?: SortName;
  page?: number;
}

const oneOf =
  <T extends string>(allowed: readonly T[]) =>
  (value: string): value is T =>
    (allowed as readonly string[]).includes(value);

/** Which URL key holds each facet of the API. */
export const facetKeys = {
  cuisines: 'cuisine',
  meal_types: 'meal',
  difficulty: 'difficulty',
  time_buckets: 'time',
  tags: 'tag',
  dietary_flags: 'diet',
} as const satisfies Record<string, keyof SearchState>;

/**
 * Anything in the URL becomes a valid state; unknown values are dropped. Every key is
 * returned, undefined or empty when unusable: the router lays this over the query string as
 * parsed, so a key left out would keep its raw value (?page=abc, ?meal=nope).
 */
export function validateSearchState(raw: Record<string, unknown>): SearchState {
  const page = Number(raw.page);
  const state: SearchState = {
    q: typeof raw.q === 'string' ? raw.q.slice(0, 200) : undefined,
    cuisine: list(raw.cuisine),
    meal: list(raw.meal).filter(oneOf(mealTypes)),
    difficulty: list(raw.difficulty).filter(oneOf(difficulties)),
    time: list(raw.time).filter(oneOf(timeBuckets)),
    tag: list(raw.tag),
    diet: list(raw.diet).filter(oneOf(dietaryFlags)),
    sort: typeof raw.sort === 'string' && oneOf(searchSorts)(raw.sort) ? raw.sort : undefined,
    page: Number.isInteger(page) && page > 1 ? Math.min(page, 50) : undefined,
  };
  return state;
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
      mealTypes: (state.meal ?? []).map(mealTypeValues.toProto),
      difficulties: (state.difficulty ?? []).map(difficultyValues.toProto),
      timeBuckets: (state.time ?? []).map(timeBucketValues.toProto),
      tags: state.tag ?? [],
      dietaryFlags: (state.diet ?? []).map(dietaryFlagValues.toProto),
    },
    sort: state.sort ? searchSortValues.toProto(state.sort) : SearchSort.UNSPECIFIED,
    pageSize,
    page: state.page ?? 1,
  };
}

/** Text with the words that matched marked, as the API sends it. */
export interface Highlight {
  fragments: Array<{ text: string; matched: boolean }>;
}

/** A search answer as the page shows it: hits as cards (see recipe-lists.ts), not whole recipes. */
export interface SearchResult {
  hits: Array<{ recipe: RecipeSummary; title?: Highlight; summary?: Highlight }>;
  totalSize: number;
  facets: Array<{ name: string; values: FacetValue[] }>;
  correctedQuery: string;
  interpretedFilters: Array<{ facet: string; value: string; label: string; queryWithout: string }>;
}

export interface FacetValue {
  value: string;
  label: string;
  count: number;
  selected: boolean;
}

const highlight = (h: { fragments: Highlight['fragments'] } | undefined): Highlight | undefined =>
  h && { fragments: h.fragments.map(({ text, matched }) => ({ text, matched })) };

const facetsOf = (res: SearchRecipesResponse) =>
  res.facets.map((f) => ({
    name: f.name,
    values: f.values.map(({ value, label, count, selected }) => ({ value, label, count, selected })),
  }));

function toResult(res: SearchRecipesResponse): SearchResult {
  return {
    hits: res.hits.flatMap((h) =>
      h.recipe ? [{ recipe: toSummary(h.recipe), title: highlight(h.title), summary: highlight(h.summary) }] : [],
    ),
    totalSize: res.totalSize,
    facets: facetsOf(res),
    correctedQuery: res.correctedQuery,
    interpretedFilters: res.interpretedFilters.map(({ facet, value, label, queryWithout }) => ({
      facet,
      value,
      label,
      queryWithout,
    })),
  };
}

export const searchQuery = (transport: Transport, state: SearchState) =>
  queryOptions({
    queryKey: ['search', compact(state)],
    queryFn: async ({ signal }) => toResult(await searchClient(transport).searchRecipes(searchRequest(state), { signal })),
  });

/** The facets of every published recipe, for browsing by `names` (the home page): counts, no hits. */
export const browseFacets = (transport: Transport, names: ReadonlyArray<keyof typeof facetKeys>) =>
  queryOptions({
    queryKey: ['browse-facets', names],
    queryFn: async ({ signal }) => {
      const res = await searchClient(transport).searchRecipes({ ...searchRequest({}), pageSize: 1 }, { signal });
      return facetsOf(res).filter((f) => (names as readonly string[]).includes(f.name));
    },
  });

/** The state with one facet value switched on or off (back to the first page). */
export function toggled(state: SearchState, key: (typeof facetKeys)[keyof typeof facetKeys], value: string): SearchState {
  const current: readonly string[] = state[key] ?? [];
  const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
  return compact({ ...state, [key]: next, page: undefined });
}

export const hasFilters = (s: SearchState) => Object.values(facetKeys).some((k) => (s[k]?.length ?? 0) > 0);
