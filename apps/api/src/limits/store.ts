import type { DatabaseHandle } from '@yeet/db';
import type { Logger, RateLimitConfig } from '@yeet/platform';
import { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  type RateLimiterAbstract,
  type RateLimiterRes,
} from 'rate-limiter-flexible';

/** The table of migration 0007: one row per counter, shared by every replica. */
const postgresTable = 'rate_limits';

export interface Counter {
  /** Adds `cost` to `key`'s count in the current window. */
  add(key: string, cost: number): Promise<Count>;
  /** The count of `key` without changing it; zero when it has none. */
  peek(key: string): Promise<Count>;
  /** Holds `key` at its limit for `seconds` (the wait of a back-off). */
  hold(key: string, seconds: number): Promise<void>;
  forget(key: string): Promise<void>;
}

/** A counter's state: how much was used in the window and when the window ends. */
export interface Count {
  used: number;
  /** Milliseconds until the window (or a hold) ends; 0 when nothing is counted. */
  resetMs: number;
}

export interface LimitStore {
  kind: RateLimitConfig['store'];
  /** A counter of `limit` units per `windowSeconds`, its keys under `name`. */
  counter(name: string, limit: number, windowSeconds: number): Counter;
  close(): Promise<void>;
}

/**
 * Where rate-limit counters live (docs/decisions/0019-rate-limits.md): Redis when configured,
 * else the PostgreSQL every replica already shares, or this process's memory when the
 * operator says it is the only one. A shared store that fails (Redis down) falls back to an
 * in-memory counter per process: limits keep holding, each replica enforcing its own share,
 * and no request fails because the limiter could not count it.
 */
export function createLimitStore(
  config: Pick<RateLimitConfig, 'store' | 'redisUrl'>,
  pool: DatabaseHandle['pool'] | null,
  logger: Logger,
): LimitStore {
  const redis =
    config.store === 'redis'
      ? new Redis(config.redisUrl!, {
          // Fail at once rather than queue commands while Redis is away: the insurance counter answers.
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          connectTimeout: 2_000,
          // Reconnect in the background, at most every 5 s.
          retryStrategy: (times) => Math.min(times * 200, 5_000),
        })
      : null;
  let redisDown = false;
  redis?.on('error', (err) => {
    if (redisDown) return;
    redisDown = true;
    logger.warn({ err }, 'Redis for rate limits is unreachable: each process counts in memory until it is back');
  });
  redis?.on('ready', () => {
    if (redisDown) logger.info('Redis for rate limits is back');
    redisDown = false;
  });
  if (config.store === 'postgres' && !pool) throw new Error('PostgreSQL rate limits need the database pool');
  let sweeping = false;

  const limiter = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract => {
    const common = { keyPrefix, points, duration };
    const insuranceLimiter = new RateLimiterMemory(common);
    switch (config.store) {
      case 'redis':
        return new RateLimiterRedis({ ...common, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter });
      case 'postgres': {
        // One of the counters deletes rows an hour past their window, every five minutes; the others leave it to it.
        const clearExpiredByTimeout = !sweeping;
        sweeping = true;
        return new RateLimiterPostgres({
          ...common,
          storeClient: pool,
          storeType: 'pool',
          tableName: postgresTable,
          tableCreated: true,
          clearExpiredByTimeout,
          insuranceLimiter,
        });
      }
      case 'memory':
        return insuranceLimiter;
    }
  };

  return {
    kind: config.store,
    counter(name, limit, windowSeconds) {
      const rl = limiter(`yeet:${name}`, limit, windowSeconds);
      // Over the limit, consume() rejects with the counter's state; anything else is a fault.
      const state = (res: RateLimiterRes | null): Count =>
        res ? { used: res.consumedPoints, resetMs: Math.max(0, res.msBeforeNext) } : { used: 0, resetMs: 0 };
      return {
        async add(key, cost) {
          try {
            return state(await rl.consume(key, cost));
          } catch (refused) {
            if (refused instanceof Error) throw refused;
            return state(refused as RateLimiterRes);
          }
        },
        async peek(key) {
          return state(await rl.get(key));
        },
        async hold(key, seconds) {
          await rl.block(key, seconds);
        },
        async forget(key) {
          await rl.delete(key);
        },
      };
    },
    async close() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
