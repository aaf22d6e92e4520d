import { BlockList, isIP } from 'node:net';
import type { Logger, RateLimitConfig } from '@yeet/platform';
import type { Counter, LimitStore } from './store.ts';

/**
 * Who a limit counts (docs/decisions/0019-rate-limits.md): anonymous callers by client
 * address, signed-in people by who they are, MCP clients by person or address. Each class
 * has its own quota of cost units per window; the name doubles as the policy name of the
 * RateLimit headers.
 */
export type CallerClass = 'anonymous' | 'person' | 'mcp';

/** What one call costs, by kind of method: writes and searches more than reads. */
export type CallKind = keyof RateLimitConfig['costs'];

const windowSeconds = 60;

/** The answer for one call: within the quota or not, and what the headers say. */
export interface Decision {
  allowed: boolean;
  policy: CallerClass;
  /** Units per window. */
  quota: number;
  windowSeconds: number;
  /** Units left in this window (0 when refused). */
  remaining: number;
  /** Seconds until the window ends (the refusal's Retry-After). */
  resetSeconds: number;
}

export interface RateLimitOptions extends Pick<RateLimitConfig, 'anonymous' | 'person' | 'costs' | 'exempt'> {
  /** Calls per minute of one MCP client (MCP_RATE_LIMIT). */
  mcp: number;
}

export class RateLimits {
  readonly costs: RateLimitOptions['costs'];
  readonly #counters: Record<CallerClass, Counter | null>;
  readonly #quotas: Record<CallerClass, number>;
  readonly #exempt = new BlockList();
  readonly #logger: Logger;

  constructor(store: LimitStore, options: RateLimitOptions, logger: Logger) {
    this.costs = options.costs;
    this.#logger = logger;
    this.#quotas = { anonymous: options.anonymous, person: options.person, mcp: options.mcp };
    const counter = (c: CallerClass) => (this.#quotas[c] > 0 ? store.counter(`rl:${c}`, this.#quotas[c], windowSeconds) : null);
    this.#counters = { anonymous: counter('anonymous'), person: counter('person'), mcp: counter('mcp') };
    for (const entry of options.exempt) {
      const [address, bits] = entry.split('/') as [string, string | undefined];
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.#exempt.addAddress(address, family);
      else this.#exempt.addSubnet(address, Number(bits), family);
    }
  }

  /** Whether an anonymous caller at this address goes unlimited (the web role's server-side calls). */
  exempt(address: string): boolean {
    if (!address) return false;
    const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
    const family = isIP(plain);
    return family !== 0 && this.#exempt.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  }

  /**
   * Counts `cost` units against `key` in `caller`'s class. null: the class has no limit, or
   * the counters cannot be reached even in memory — the call goes through (fail open: a
   * limiter fault must not become an outage).
   */
  async take(caller: CallerClass, key: string, cost: number): Promise<Decision | null> {
    const counter = this.#counters[caller];
    if (!counter) return null;
    const quota = this.#quotas[caller];
    try {
      const { used, resetMs } = await counter.add(key, cost);
      const resetSeconds = Math.max(1, Math.ceil(resetMs / 1000));
      return { allowed: used <= quota, policy: caller, quota, windowSeconds, remaining: Math.max(0, quota - used), resetSeconds };
    } catch (err) {
      this.#logger.warn({ err, caller }, 'rate limit not counted: the counter store failed');
      return null;
    }
  }

  /** "read costs 1, a search 2 and a write 5", for messages. */
  describeCosts(): string {
    const { read, search, write } = this.costs;
    return `a read costs ${read}, a search ${search} and a write ${write}`;
  }
}

const who: Record<CallerClass, string> = {
  anonymous: 'this address',
  person: 'your account',
  mcp: 'this MCP client',
};

/** The refusal in words: whose quota, how large, and when to try again. */
export function refusalMessage(d: Decision, costs: string): string {
  return `Too many requests from ${who[d.policy]}: ${d.quota} units per minute, where ${costs}. Try again in ${d.resetSeconds} s.`;
}

/**
 * The fields of draft-ietf-httpapi-ratelimit-headers (-11, sections 3 and 4), as Structured
 * Field lists with the policy name as a String item:
 *   RateLimit-Policy: "person";q=1200;w=60
 *   RateLimit: "person";r=1150;t=42
 * plus Retry-After (RFC 9110 §10.2.3) on a refusal.
 */
export function rateLimitHeaders(d: Decision): Array<[string, string]> {
  const headers: Array<[string, string]> = [
    ['ratelimit-policy', `"${d.policy}";q=${d.quota};w=${d.windowSeconds}`],
    ['ratelimit', `"${d.policy}";r=${d.remaining};t=${d.resetSeconds}`],
  ];
  if (!d.allowed) headers.push(['retry-after', String(d.resetSeconds)]);
  return headers;
}
