import type { Counter } from 'prom-client';
import type { SearchText } from '@yeet/domain';
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
  readonly #entries = new Map<string, { at: number; value: Promise<unknown> }>();
  #enabled = true;

  constructor(engine: SearchEngine, options: CacheOptions) {
    this.#engine = engine;
    this.#options = options;
  }

  /** Drops everything; with `enabled: false` stops caching until enabled again. */
  invalidate(enabled = this.#enabled): void {
    this.#entries.clear();
    this.#enabled = enabled;
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

  #cached<T>(kind: string, key: string, load: () => Promise<T>): Promise<T> {
    if (!this.#enabled || this.#options.size === 0) return load();
    const fullKey = `${kind}:${key}`;
    const now = Date.now();
    const entry = this.#entries.get(fullKey);
    if (entry && now - entry.at < this.#options.ttlMs) {
      // refresh recency: Map keeps insertion order, the first key is the least recent
      this.#entries.delete(fullKey);
      this.#entries.set(fullKey, entry);
      this.#options.hits?.inc({ kind });
      return entry.value as Promise<T>;
    }
    this.#options.misses?.inc({ kind });
    const value = load();
    this.#entries.set(fullKey, { at: now, value });
    value.catch(() => this.#entries.delete(fullKey));
    while (this.#entries.size > this.#options.size) this.#entries.delete(this.#entries.keys().next().value!);
    return value;
  }
}
