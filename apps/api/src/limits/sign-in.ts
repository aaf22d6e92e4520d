import type { Logger } from '@yeet/platform';
import type { Counter, LimitStore } from './store.ts';

/**
 * How failed sign-ins slow further attempts (docs/decisions/0019-rate-limits.md). No hard
 * lock: one address guessing at many accounts, or at one, must not keep the owner out.
 * - per account and address: the first `free` failures cost nothing, then each failure makes
 *   the next attempt wait `base` seconds, doubling, up to `pairCap`;
 * - per address, over all accounts: past `addressCeiling` failures the address waits too,
 *   doubling from `base` up to `slowCap` — slowed, never locked;
 * - per account, over all addresses: past `accountCeiling` (far more than one address can
 *   reach under its own back-off) the account's attempts wait up to `slowCap`.
 * Failures are counted in windows of `windowSeconds`; a success clears its pair.
 */
export interface BackOff {
  free: number;
  baseSeconds: number;
  pairCapSeconds: number;
  addressCeiling: number;
  accountCeiling: number;
  slowCapSeconds: number;
  windowSeconds: number;
}

export const defaultBackOff: BackOff = {
  free: 5,
  baseSeconds: 1,
  pairCapSeconds: 15 * 60,
  addressCeiling: 30,
  accountCeiling: 100,
  slowCapSeconds: 60,
  windowSeconds: 15 * 60,
};

/** Why a sign-in must wait, and for how long. */
export interface Wait {
  reason: 'pair' | 'address' | 'account';
  ms: number;
}

export class SignInGuard {
  readonly #failures: Counter;
  readonly #waits: Counter;
  readonly #signUps: Counter;
  readonly #registrations: Counter;
  readonly #o: BackOff;
  readonly #logger: Logger;

  constructor(store: LimitStore, logger: Logger, o: BackOff = defaultBackOff) {
    this.#o = o;
    this.#logger = logger;
    // Failures are only counted here: the limit is never reached; waits are set by hold().
    this.#failures = store.counter('signin:failures', 1_000_000_000, o.windowSeconds);
    this.#waits = store.counter('signin:wait', 1, o.pairCapSeconds);
    this.#signUps = store.counter('signup', 10, 60 * 60);
    this.#registrations = store.counter('oidc-registration', 10, 60 * 60);
  }

  /** The longest wait that applies to this email from this address; null: go ahead. */
  async wait(email: string, address: string): Promise<Wait | null> {
    const keys = this.#keys(email, address);
    const waits = await this.#safely(
      () =>
        Promise.all(
          (Object.keys(keys) as Wait['reason'][]).map(async (reason) => {
            const held = await this.#waits.peek(keys[reason]);
            return { reason, ms: held.used > 1 ? held.resetMs : 0 };
          }),
        ),
      [],
    );
    const longest = waits.reduce<Wait | null>((a, b) => (b.ms > (a?.ms ?? 0) ? b : a), null);
    return longest && longest.ms > 0 ? longest : null;
  }

  /**
   * Counts a failure against the pair, the address and the account, and sets what they must
   * wait. Returns the counts in the current window (null when the store failed), so the
   * caller can tell when a burst begins: the count reaching `burstAt` (docs/operations.md, Audit).
   */
  async failed(email: string, address: string): Promise<Record<Wait['reason'], number> | null> {
    const { baseSeconds, free, pairCapSeconds, addressCeiling, accountCeiling, slowCapSeconds } = this.#o;
    const keys = this.#keys(email, address);
    const rules: Record<Wait['reason'], { after: number; cap: number }> = {
      pair: { after: free, cap: pairCapSeconds },
      address: { after: addressCeiling, cap: slowCapSeconds },
      account: { after: accountCeiling, cap: slowCapSeconds },
    };
    return this.#safely(async () => {
      const counts = { pair: 0, address: 0, account: 0 };
      for (const reason of Object.keys(rules) as Wait['reason'][]) {
        const { used } = await this.#failures.add(keys[reason], 1);
        counts[reason] = used;
        const { after, cap } = rules[reason];
        if (used >= after) await this.#waits.hold(keys[reason], Math.min(cap, baseSeconds * 2 ** (used - after)));
      }
      return counts;
    }, null);
  }

  /** The failure counts at which a burst is recorded in the audit log: once per window each. */
  get burstAt(): Record<Wait['reason'], number> {
    return { pair: this.#o.free, address: this.#o.addressCeiling, account: this.#o.accountCeiling };
  }

  get windowSeconds(): number {
    return this.#o.windowSeconds;
  }

  /** The right password: this pair starts afresh (the address's and account's counts stay). */
  async succeeded(email: string, address: string): Promise<void> {
    const { pair } = this.#keys(email, address);
    await this.#safely(() => Promise.all([this.#failures.forget(pair), this.#waits.forget(pair)]), undefined);
  }

  /** Accounts created from one address: 10 an hour. Milliseconds to wait, or 0. */
  signUp(address: string): Promise<number> {
    return this.#quota(this.#signUps, address, 10);
  }

  /** MCP clients registering themselves from one address: 10 an hour. Milliseconds to wait, or 0. */
  registration(address: string): Promise<number> {
    return this.#quota(this.#registrations, address, 10);
  }

  async #quota(counter: Counter, address: string, limit: number): Promise<number> {
    const count = await this.#safely(() => counter.add(address, 1), { used: 0, resetMs: 0 });
    return count.used > limit ? Math.max(1000, count.resetMs) : 0;
  }

  #keys(email: string, address: string): Record<Wait['reason'], string> {
    return { pair: `pair:${email}|${address}`, address: `address:${address}`, account: `account:${email}` };
  }

  /**
   * The counters fall back to memory when the shared store is down; should even that fail,
   * sign-in goes on without the back-off rather than not at all (logged).
   */
  async #safely<T>(run: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await run();
    } catch (err) {
      this.#logger.warn({ err }, 'sign-in back-off not applied: the counter store failed');
      return fallback;
    }
  }
}

/** A wait as people read it: "1 s", "45 s", "3 min". */
export function waitInWords(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return seconds < 90 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}
