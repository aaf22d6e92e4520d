import {
  facetLabel,
  facetNames,
  fixedFacetValues,
  invalidField,
  parseSearchText,
  recipeCard,
  searchLimits,
  withoutWords,
  type Caller,
  type FacetName,
  type InterpretedFilter,
  type Recipe,
  type RecipeCard,
  type SearchFilter,
  type SearchSort,
} from '@yeet/domain';
import type { EngineHit, EngineSuggestions, SearchEngine } from '../search/engine.ts';
import { decodeCursor, encodeCursor, invalidPageToken } from '../stores/cursor.ts';
import type { DataAccess } from '../stores/database.ts';

export interface SearchRequest {
  query: string;
  filter: SearchFilter;
  /** null: relevance with a query, newest without. */
  sort: SearchSort | null;
  pageSize: number;
  pageToken: string;
  /** 1-based page number (0: use the token). */
  page: number;
  facets: boolean;
}

export interface FacetValueCount {
  value: string;
  label: string;
  count: number;
  selected: boolean;
}

export interface SearchResponse {
  hits: Array<Omit<EngineHit, 'id' | 'recipe'> & { recipe: RecipeCard }>;
  total: number;
  nextPageToken: string;
  facets: Array<{ name: FacetName; values: FacetValueCount[] }>;
  correctedQuery: string;
  /** Filters read from the query's words, each with the query as it reads without them (to remove it). */
  interpreted: Array<Omit<InterpretedFilter, 'words'> & { queryWithout: string }>;
}

/** Pages past this are not offered: nobody reads them, and deep offsets cost the most. */
const maxOffset = 1000;
const tagFacetSize = 20;

export class SearchController {
  readonly #engine: SearchEngine;
  readonly #data: DataAccess;

  constructor(engine: SearchEngine, data: DataAccess) {
    this.#engine = engine;
    this.#data = data;
  }

  async search(_caller: Caller, request: SearchRequest): Promise<SearchResponse> {
    const text = parseSearchText(request.query);
    const sort = request.sort ?? (text.words.length ? 'relevance' : 'newest');
    const fingerprint = { words: text.words, prefix: text.prefix, filter: request.filter, sort };
    const cursor = decodeCursor(fingerprint, request.pageToken);
    const offset = request.page > 0 ? (request.page - 1) * request.pageSize : cursor ? Number(cursor.key) : 0;
    if (request.page > 0 && offset > maxOffset)
      throw invalidField('page', `only the first ${maxOffset} results can be paged through; narrow the search`);
    if (!Number.isInteger(offset) || offset < 0 || offset > maxOffset) throw invalidPageToken();

    const result = await this.#engine.search({
      text,
      filter: request.filter,
      sort,
      limit: request.pageSize,
      offset,
      facets: request.facets,
    });
    // Hits come with their cards from an engine that keeps them (memory); else the recipes are
    // read from the source of truth, and show the same card either way.
    const unread = result.hits.filter((h) => !h.recipe).map((h) => h.id);
    const recipes = unread.length > 0 ? await this.#data.stores.recipes.getPublished(unread) : new Map<string, Recipe>();
    const hits = result.hits.flatMap(({ id, recipe, ...highlights }) => {
      const read = recipes.get(id);
      const card = recipe ?? (read && recipeCard(read));
      return card ? [{ recipe: card, ...highlights }] : [];
    });
    const next = offset + request.pageSize;
    return {
      hits,
      total: result.total,
      nextPageToken: next < result.total && next <= maxOffset ? encodeCursor(fingerprint, { key: next, id: '' }) : '',
      facets: request.facets ? facetsOf(result.facets, request.filter) : [],
      correctedQuery: result.correctedQuery ?? '',
      interpreted: result.interpreted.map(({ words, ...f }) => ({ ...f, queryWithout: withoutWords(request.query, words) })),
    };
  }

  async suggest(_caller: Caller, prefix: string, limit: number): Promise<EngineSuggestions> {
    if (limit < 1 || limit > 10) throw invalidField('limit', 'must be between 1 and 10');
    return this.#engine.suggest(parseSearchText(prefix, 'prefix', searchLimits.suggestLength), limit);
  }
}

const selectedIn = (filter: SearchFilter): Record<FacetName, readonly string[]> => ({
  cuisines: filter.cuisines,
  meal_types: filter.mealTypes,
  difficulty: filter.difficulties,
  time_buckets: filter.timeBuckets,
  tags: filter.tags,
  dietary_flags: filter.dietaryFlags,
});

/** Every facet, with its values in a stable order; chosen values always appear. */
function facetsOf(counts: Map<string, Map<string, number>>, filter: SearchFilter): SearchResponse['facets'] {
  const selected = selectedIn(filter);
  return facetNames.map((name) => {
    const found = counts.get(name) ?? new Map<string, number>();
    const fixed = fixedFacetValues[name];
    let values: string[];
    if (fixed) {
      values = [...fixed];
    } else {
      values = [...found.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, name === 'tags' ? tagFacetSize : undefined)
        .map(([v]) => v);
      for (const v of selected[name]) if (!values.includes(v)) values.push(v);
    }
    return {
      name,
      values: values.map((value) => ({
        value,
        label: facetLabel(name, value),
        count: found.get(value) ?? 0,
        selected: selected[name].includes(value),
      })),
    };
  });
}
