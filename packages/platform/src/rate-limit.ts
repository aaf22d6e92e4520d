import { LRUCache } from 'lru-cache';

/**
 * Fixed-window counters in this process: enough for one node; with several replicas each
 * enforces its own share (a shared store can implement the same interface).
 */
export interface RateLimiter {
  /** Counts a hit on `key`; returns how long to wait (ms) when the limit is exceeded, else 0. */
  hit(key: string): number;
  /** The wait for `key` without counting a hit. */
  peek(key: string): number;
  reset(key: string): void;
}

export function createRateLimiter(options: { limit: number; windowMs: number; maxKeys?: number }): RateLimiter {
  // Bounded: past `maxKeys` the least recently seen key is forgotten (it starts a new window).
  // Counted as a size of 1 each rather than with `max`, which would allocate every slot up front.
  const windows = new LRUCache<string, { start: number; count: number }>({
    maxSize: options.maxKeys ?? 100_000,
    sizeCalculation: () => 1,
  });
  const current = (key: string, now: number) => {
    const w = windows.get(key);
    if (!w || now - w.start >= options.windowMs) return null;
    return w;
  };
  return {
    hit(key) {
      const now = Date.now();
      let w = current(key, now);
      if (!w) {
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      w.count += 1;
      return w.count > options.limit ? w.start + options.windowMs - now : 0;
    },
    peek(key) {
      const now = Date.now();
      const w = current(key, now);
      return w && w.count >= options.limit ? w.start + options.windowMs - now : 0;
    },
    reset(key) {
      windows.delete(key);
    },
  };
}
