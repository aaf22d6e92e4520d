import { LRUCache } from 'lru-cache';

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
  /** The load's promise, stored as it starts: that is what concurrent requests share. Null when off. */
  readonly #entries: LRUCache<string, { value: Promise<T> }> | null;
  #enabled = true;

  constructor(options: RecentCacheOptions) {
    // lru-cache reads max 0 as "unbounded" and ttl 0 as "no expiry": both mean off here.
    this.#entries = options.size > 0 && options.ttlMs > 0 ? new LRUCache({ max: options.size, ttl: options.ttlMs }) : null;
  }

  get size(): number {
    return this.#entries?.size ?? 0;
  }

  /** Drops every entry; with `enabled: false` also stops caching until enabled again. */
  clear(enabled = this.#enabled): void {
    this.#entries?.clear();
    this.#enabled = enabled;
  }

  /** The remembered answer for `key` when fresh (`hit: true`), else `load`'s. */
  async get(key: string, load: () => Promise<T>, keep: (value: T) => boolean = () => true): Promise<{ value: T; hit: boolean }> {
    const entries = this.#entries;
    if (!entries || !this.#enabled) return { value: await load(), hit: false };
    const entry = entries.get(key);
    if (entry) return { value: await entry.value, hit: true };
    const fresh = { value: load() };
    entries.set(key, fresh);
    const forget = () => {
      if (entries.peek(key) === fresh) entries.delete(key);
    };
    try {
      const result = await fresh.value;
      if (!keep(result)) forget();
      return { value: result, hit: false };
    } catch (error) {
      forget();
      throw error;
    }
  }
}
