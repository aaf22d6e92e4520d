import type { InterpretedFilter, RecipeCard, SearchFilter, SearchSort, SearchText } from '@yeet/domain';

/**
 * What the platform needs from a search engine. The PostgreSQL engine ships; another
 * (e.g. Typesense) can be added behind the same interface. Engines return ids, and the
 * recipe's card when they keep it (the memory engine); else the caller reads the recipes
 * from the source of truth.
 */
export interface SearchEngine {
  /** (Re)indexes these recipes from their rows; those no longer published are removed. */
  index(recipeIds: readonly string[]): Promise<void>;
  search(query: EngineQuery): Promise<EngineResult>;
  suggest(text: SearchText, limit: number): Promise<EngineSuggestions>;
  /** Repairs drift: indexes what is missing or stale, removes what should not be there. */
  reconcile(batch: number): Promise<{ indexed: number; removed: number }>;
  /** Rebuilds the word list used for typo correction and completions. */
  rebuildLexicon(): Promise<void>;
  /** Indexes every published recipe now and rebuilds the lexicon (after a seed or a restore). */
  reindexAll(): Promise<{ indexed: number }>;
}

export interface EngineQuery {
  text: SearchText;
  filter: SearchFilter;
  sort: SearchSort;
  limit: number;
  offset: number;
  facets: boolean;
}

/** A string whose matched words are wrapped as fragments with `matched: true`. */
export type Highlighted = Array<{ text: string; matched: boolean }>;

export interface EngineHit {
  id: string;
  title: Highlighted;
  summary: Highlighted;
  /** What the hit shows of the recipe, when the engine keeps it (as of the index, not a read of `recipes`). */
  recipe?: RecipeCard;
}

export interface EngineResult {
  hits: EngineHit[];
  total: number;
  /** facet name → value → count */
  facets: Map<string, Map<string, number>>;
  /** The whole query with misspelled words replaced, when any were. */
  correctedQuery: string | null;
  /** Words read as filters, applied on top of the query's filter. */
  interpreted: InterpretedFilter[];
}

export interface EngineSuggestions {
  recipes: Array<{ id: string; slug: string; title: string; highlighted: Highlighted }>;
  tags: Array<{ tag: string; count: number }>;
}
