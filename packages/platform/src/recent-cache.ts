export interface RecentCacheOptions {
  /** Entries kept, least recently used dropped first; 0 turns the cache off. */
  size: number;
  /** Longest an entry is served. */
  ttlMs: number;
}

/**
 * Recent answers kept in this process, by key. Concurrent requests for a key share one
 * load (no stampede when an entry expires); a failed load is forgotten, and `keep` can
 * refuse to remember an answer (e.g. an error page). `clear` drops everything, e.g. when
 * the data behind the answers changed.
 */
export class RecentCache<T> {
  readonly #options: RecentCacheOptions;
  readonly #entries = new Map<string, { at: number; value: Promise<T> }>();
  #enabled = true;

  constructor(options: RecentCacheOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Drops every entry; with `enabled: false` also stops caching until enabled again. */
  clear(enabled = this.#enabled): void {
    this.#entries.clear();
    this.#enabled = enabled;
  }

  /** The remembered answer for `key` when fresh (`hit: true`), else `load`'s. */
  async get(key: string, load: () => Promise<T>, keep: (value: T) => boolean = () => true): Promise<{ value: T; hit: boolean }> {
    if (!this.#enabled || this.#options.size === 0 || this.#options.ttlMs === 0) return { value: await load(), hit: false };
    const now = Date.now();
    const entry = this.#entries.get(key);
    if (entry && now - entry.at < this.#options.ttlMs) {
      // refresh recency: a Map keeps insertion order, so the first key is the least recent
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      return { value: await entry.value, hit: true };
    }
    const value = load();
    const fresh = { at: now, value };
    this.#entries.set(key, fresh);
    while (this.#entries.size > this.#options.size) this.#entries.delete(this.#entries.keys().next().value!);
    const forget = () => {
      if (this.#entries.get(key) === fresh) this.#entries.delete(key);
    };
    try {
      const result = await value;
      if (!keep(result)) forget();
      return { value: result, hit: false };
    } catch (error) {
      forget();
      throw error;
    }
  }
}
