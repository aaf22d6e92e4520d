import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../src/rate-limit.ts';

describe('createRateLimiter', () => {
  it('allows `limit` hits per window, then tells how long to wait', () => {
    const limiter = createRateLimiter({ limit: 2, windowMs: 60_000 });
    expect([limiter.hit('a'), limiter.hit('a')]).toEqual([0, 0]);
    expect(limiter.peek('a')).toBeGreaterThan(59_000);
    expect(limiter.hit('a')).toBeGreaterThan(59_000);
    expect(limiter.hit('b')).toBe(0);
    limiter.reset('a');
    expect(limiter.hit('a')).toBe(0);
  });

  it('keeps at most `maxKeys` windows, forgetting the least recently seen key', () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000, maxKeys: 2 });
    limiter.hit('a');
    limiter.hit('b');
    limiter.peek('a'); // a is now more recent than b
    limiter.hit('c'); // b is forgotten
    expect(limiter.peek('a')).toBeGreaterThan(0);
    expect(limiter.peek('c')).toBeGreaterThan(0);
    expect(limiter.peek('b')).toBe(0);
  });
});
