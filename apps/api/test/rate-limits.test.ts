import { RecipeService, SearchService, UserService } from '@yeet/contract';
import { createLogger } from '@yeet/platform';
import { describe, expect, it } from 'vitest';
import { RateLimits, rateLimitHeaders, refusalMessage } from '../src/limits/rate-limits.ts';
import { callKind } from '../src/limits/rpc.ts';
import { createLimitStore } from '../src/limits/store.ts';

const logger = createLogger({ level: 'silent' });
const limits = (exempt: string[] = []) =>
  new RateLimits(
    createLimitStore({ store: 'memory', redisUrl: null }, null, logger),
    { anonymous: 3, person: 0, mcp: 2, costs: { read: 1, search: 2, write: 5 }, exempt },
    logger,
  );

describe('rate limits', () => {
  it('price methods from the contract: searches, reads (suggestions too), writes', () => {
    expect(callKind(SearchService.method.searchRecipes)).toBe('search');
    expect(callKind(SearchService.method.suggestRecipes)).toBe('read');
    expect(callKind(RecipeService.method.getRecipe)).toBe('read');
    expect(callKind(UserService.method.getMe)).toBe('read');
    expect(callKind(RecipeService.method.createRecipe)).toBe('write');
    expect(callKind(RecipeService.method.rateRecipe)).toBe('write');
  });

  it('count cost units per key and refuse past the quota; a class at 0 is not limited', async () => {
    const l = limits();
    expect(await l.take('anonymous', '198.51.100.1', 2)).toMatchObject({ allowed: true, remaining: 1, quota: 3 });
    const refused = await l.take('anonymous', '198.51.100.1', 2);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(await l.take('anonymous', '198.51.100.2', 1)).toMatchObject({ allowed: true, remaining: 2 });
    expect(await l.take('person', 'someone', 1000)).toBeNull();
    expect(refusalMessage(refused!, l.describeCosts())).toMatch(
      /^Too many requests from this address: 3 units per minute, where a read costs 1, a search 2 and a write 5\. Try again in \d+ s\.$/,
    );
  });

  it('exempt listed addresses and ranges, IPv4-mapped ones included', () => {
    const l = limits(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);
    expect(['127.0.0.1', '::ffff:127.0.0.1', '10.20.30.40', 'fd00::1'].map((a) => l.exempt(a))).toEqual([true, true, true, true]);
    expect(['127.0.0.2', '11.0.0.1', '::1', ''].map((a) => l.exempt(a))).toEqual([false, false, false, false]);
  });

  it('write the draft headers as Structured Field lists, Retry-After on a refusal', () => {
    const decision = { policy: 'person', quota: 1200, windowSeconds: 60, remaining: 1150, resetSeconds: 42 } as const;
    expect(rateLimitHeaders({ ...decision, allowed: true })).toEqual([
      ['ratelimit-policy', '"person";q=1200;w=60'],
      ['ratelimit', '"person";r=1150;t=42'],
    ]);
    expect(rateLimitHeaders({ ...decision, allowed: false, remaining: 0 })).toContainEqual(['retry-after', '42']);
  });
});
