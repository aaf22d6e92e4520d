import { sql, type StoredRpcError } from '@yeet/db';
import type { Executor } from './executor.ts';

/** One request made with an Idempotency-Key, as the caller's next request with that key finds it. */
export interface IdempotencyRecord {
  method: string;
  fingerprint: Buffer;
  /** null while the first request is still running. */
  outcome: { response: Buffer } | { error: StoredRpcError } | null;
}

export interface IdempotencyClaim {
  callerId: string;
  key: string;
  method: string;
  fingerprint: Buffer;
}

/** How long a key is kept (the IETF draft and Stripe's practice: at least 24 hours). */
const keptFor = '24 hours';

/** The outcomes of writes made with an Idempotency-Key (docs/decisions/0017-idempotency-keys.md). */
export class IdempotencyStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  /**
   * Claims the caller's key for this request: true when the request is to run now. Made in the
   * transaction the request runs in (docs/decisions/0025-atomic-idempotency.md): the insert waits
   * for a parallel request's uncommitted claim of the key, up to `waitMs` (then PostgreSQL's
   * lock_not_available, 55P03), and does nothing when that one commits, so exactly one wins.
   * A committed claim without an outcome (left by a version that claimed in a transaction of
   * its own) is taken over, but only by the same request.
   */
  async claim(claim: IdempotencyClaim, waitMs = 2000): Promise<boolean> {
    const row = { caller_id: claim.callerId, key: claim.key, method: claim.method, fingerprint: claim.fingerprint };
    await sql`select set_config('lock_timeout', ${`${waitMs}ms`}, true)`.execute(this.#db);
    const inserted = await this.#db
      .insertInto('idempotency_keys')
      .values(row)
      .onConflict((oc) => oc.columns(['caller_id', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    const won = inserted !== undefined || (await this.#takeOver(claim));
    // The request's own statements wait for locks as long as they would anywhere else.
    await sql`reset lock_timeout`.execute(this.#db);
    return won;
  }

  async #takeOver(claim: IdempotencyClaim): Promise<boolean> {
    const taken = await this.#db
      .updateTable('idempotency_keys')
      .set({ claimed_at: sql<Date>`now()` })
      .where('caller_id', '=', claim.callerId)
      .where('key', '=', claim.key)
      .where('method', '=', claim.method)
      .where('fingerprint', '=', claim.fingerprint)
      .where('completed_at', 'is', null)
      .returning('key')
      .executeTakeFirst();
    return taken !== undefined;
  }

  async find(callerId: string, key: string): Promise<IdempotencyRecord | null> {
    const row = await this.#db
      .selectFrom('idempotency_keys')
      .select(['method', 'fingerprint', 'completed_at', 'response', 'error'])
      .where('caller_id', '=', callerId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!row) return null;
    const outcome =
      row.completed_at === null
        ? null
        : row.response !== null
          ? { response: row.response }
          : { error: row.error as StoredRpcError };
    return { method: row.method, fingerprint: row.fingerprint, outcome };
  }

  /** Stores the outcome of the request that claimed the key. */
  async complete(callerId: string, key: string, outcome: { response: Buffer } | { error: StoredRpcError }): Promise<void> {
    await this.#db
      .updateTable('idempotency_keys')
      .set({
        completed_at: sql<Date>`now()`,
        response: 'response' in outcome ? outcome.response : null,
        error: 'error' in outcome ? JSON.stringify(outcome.error) : null,
      })
      .where('caller_id', '=', callerId)
      .where('key', '=', key)
      .execute();
  }

  /** Deletes keys first used more than 24 hours ago; returns how many. */
  async sweep(): Promise<number> {
    const result = await this.#db
      .deleteFrom('idempotency_keys')
      .where('created_at', '<', sql<Date>`now() - ${keptFor}::interval`)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
