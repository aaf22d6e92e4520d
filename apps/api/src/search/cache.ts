import type { Counter } from 'prom-client';
import type { SearchText } from '@yeet/domain';
import { RecentCache } from '@yeet/platform';
import type { EngineQuery, EngineResult, EngineSuggestions, SearchEngine } from './engine.ts';

export interface CacheOptions {
  /** Entries kept; 0 turns the cache off. */
  size: number;
  /** Longest an entry is served, as a safety net behind invalidation. */
  ttlMs: number;
  hits?: Counter<'kind'>;
  misses?: Counter<'kind'>;
}

/**
 * Remembers recent results in this process. Any change to the index clears it (see
 * `invalidate`, called when the index announces a change), so a cached answer is never
 * older than the index it came from; the TTL bounds the damage if a notice is missed.
 */
export class CachingSearchEngine implements SearchEngine {
  readonly #engine: SearchEngine;
  readonly #options: CacheOptions;
  readonly #recent: RecentCache<unknown>;

  constructor(engine: SearchEngine, options: CacheOptions) {
    this.#engine = engine;
    this.#options = options;
    this.#recent = new RecentCache(options);
  }

  /** Drops everything; with `enabled: false` stops caching until enabled again. */
  invalidate(enabled?: boolean): void {
    this.#recent.clear(enabled);
  }

  search(query: EngineQuery): Promise<EngineResult> {
    return this.#cached('search', JSON.stringify(query), () => this.#engine.search(query));
  }

  suggest(text: SearchText, limit: number): Promise<EngineSuggestions> {
    return this.#cached('suggest', JSON.stringify([text.words, text.prefix, limit]), () => this.#engine.suggest(text, limit));
  }

  index(recipeIds: readonly string[]): Promise<void> {
    return this.#engine.index(recipeIds);
  }

  reconcile(batch: number): Promise<{ indexed: number; removed: number }> {
    return this.#engine.reconcile(batch);
  }

  rebuildLexicon(): Promise<void> {
    return this.#engine.rebuildLexicon();
  }

  async reindexAll(): Promise<{ indexed: number }> {
    const done = await this.#engine.reindexAll();
    this.invalidate();
    return done;
  }

  async #cached<T>(kind: string, key: string, load: () => Promise<T>): Promise<T> {
    const { value, hit } = await this.#recent.get(`${kind}:${key}`, load);
    (hit ? this.#options.hits : this.#options.misses)?.inc({ kind });
    return value as T;
  }
}
