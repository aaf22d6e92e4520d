import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('rate-limit settings', () => {
  it('default to PostgreSQL, and to Redis when REDIS_URL is set', () => {
    expect(loadConfig({}).rateLimits).toEqual({
      store: 'postgres',
      redisUrl: null,
      anonymous: 600,
      person: 1200,
      costs: { read: 1, search: 2, write: 5 },
      exempt: ['127.0.0.1', '::1'],
    });
    expect(loadConfig({ REDIS_URL: 'redis://cache:6379/2' }).rateLimits).toMatchObject({
      store: 'redis',
      redisUrl: 'redis://cache:6379/2',
    });
    expect(loadConfig({ REDIS_URL: 'redis://cache:6379', RATE_LIMIT_STORE: 'memory' }).rateLimits.store).toBe('memory');
  });

  it('read costs and exempt ranges, or refuse them by name', () => {
    const c = loadConfig({ RATE_LIMIT_COSTS: 'write=10, search=3', RATE_LIMIT_EXEMPT: '10.0.0.0/8, fd00::/8,192.0.2.7' });
    expect(c.rateLimits.costs).toEqual({ read: 1, search: 3, write: 10 });
    expect(c.rateLimits.exempt).toEqual(['10.0.0.0/8', 'fd00::/8', '192.0.2.7']);
    expect(loadConfig({ RATE_LIMIT_EXEMPT: 'none' }).rateLimits.exempt).toEqual([]);
    for (const [name, value] of [
      ['RATE_LIMIT_COSTS', 'reads=1'],
      ['RATE_LIMIT_EXEMPT', '10.0.0.0/33'],
      ['RATE_LIMIT_EXEMPT', 'web-1'],
      ['REDIS_URL', 'http://cache'],
      ['RATE_LIMIT_PERSON', '-1'],
    ] as const) {
      expect(() => loadConfig({ [name]: value })).toThrow(`${name}="${value}"`);
    }
    expect(() => loadConfig({ RATE_LIMIT_STORE: 'redis' })).toThrow(ConfigError);
  });
});
