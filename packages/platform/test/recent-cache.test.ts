import { describe, expect, it, vi } from 'vitest';
import { RecentCache } from '../src/recent-cache.ts';

describe('RecentCache', () => {
  it('answers from memory while fresh, and loads again once stale', async () => {
    // real time: lru-cache reads the clock it found at import, which fake timers cannot replace
    const cache = new RecentCache<number>({ size: 10, ttlMs: 200 });
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('a', load)).toEqual({ value: 1, hit: false });
    expect(await cache.get('a', load)).toEqual({ value: 1, hit: true });
    await new Promise((r) => setTimeout(r, 250));
    expect(await cache.get('a', load)).toEqual({ value: 2, hit: false });
  });

  it('shares one load between concurrent requests for a key', async () => {
    const cache = new RecentCache<string>({ size: 10, ttlMs: 60_000 });
    let release!: (v: string) => void;
    const load = vi.fn(() => new Promise<string>((r) => (release = r)));
    const both = Promise.all([cache.get('k', load), cache.get('k', load)]);
    release('page');
    expect((await both).map((r) => r.value)).toEqual(['page', 'page']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('forgets failures and answers it was told not to keep', async () => {
    const cache = new RecentCache<number>({ size: 10, ttlMs: 60_000 });
    await expect(cache.get('x', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(
      await cache.get(
        'x',
        async () => 503,
        (v) => v === 200,
      ),
    ).toEqual({ value: 503, hit: false });
    expect(
      await cache.get(
        'x',
        async () => 200,
        (v) => v === 200,
      ),
    ).toEqual({ value: 200, hit: false });
    expect(await cache.get('x', async () => 0)).toEqual({ value: 200, hit: true });
  });

  it('drops the least recently used entry beyond its size, and everything on clear', async () => {
    const cache = new RecentCache<string>({ size: 2, ttlMs: 60_000 });
    await cache.get('a', async () => 'A');
    await cache.get('b', async () => 'B');
    await cache.get('a', async () => 'A2'); // a is now the most recent
    await cache.get('c', async () => 'C'); // b goes
    expect((await cache.get('a', async () => 'A3')).hit).toBe(true);
    expect((await cache.get('b', async () => 'B2')).hit).toBe(false);
    cache.clear();
    expect(cache.size).toBe(0);
    cache.clear(false); // paused: nothing is kept until enabled again
    await cache.get('a', async () => 'A4');
    expect(cache.size).toBe(0);
  });

  it('keeps nothing with a size or a TTL of 0', async () => {
    for (const options of [
      { size: 0, ttlMs: 60_000 },
      { size: 10, ttlMs: 0 },
    ]) {
      const cache = new RecentCache<string>(options);
      await cache.get('a', async () => 'A');
      expect(await cache.get('a', async () => 'A2')).toEqual({ value: 'A2', hit: false });
    }
  });
});
