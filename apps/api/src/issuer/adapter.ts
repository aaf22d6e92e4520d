import { sql, type Database, type Kysely } from '@yeet/db';
import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * oidc-provider's storage in PostgreSQL (table oidc_payloads): sessions, interactions,
 * grants, authorization codes and refresh tokens survive restarts and are shared by
 * replicas. One instance per model, as oidc-provider expects.
 */
export class PostgresOidcAdapter implements Adapter {
  readonly #db: Kysely<Database>;
  readonly #model: string;
  readonly #lifetime: number;

  /** `lifetime`: seconds to keep what oidc-provider stores without an expiry (0: for good). */
  constructor(db: Kysely<Database>, model: string, lifetime = 0) {
    this.#db = db;
    this.#model = model;
    this.#lifetime = lifetime;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const lifetime = expiresIn || this.#lifetime;
    const row = {
      model: this.#model,
      id,
      payload: JSON.stringify(payload),
      grant_id: (payload.grantId as string | undefined) ?? null,
      uid: (payload.uid as string | undefined) ?? null,
      user_code: (payload.userCode as string | undefined) ?? null,
      expires_at: lifetime ? new Date(Date.now() + lifetime * 1000) : null,
    };
    await this.#db
      .insertInto('oidc_payloads')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['model', 'id']).doUpdateSet({
          payload: row.payload,
          grant_id: row.grant_id,
          uid: row.uid,
          user_code: row.user_code,
          expires_at: row.expires_at,
        }),
      )
      .execute();
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return this.#findBy('id', id);
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.#findBy('uid', uid);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.#findBy('user_code', userCode);
  }

  async consume(id: string): Promise<void> {
    await this.#db
      .updateTable('oidc_payloads')
      .set({ consumed_at: new Date() })
      .where('model', '=', this.#model)
      .where('id', '=', id)
      .execute();
  }

  async destroy(id: string): Promise<void> {
    await this.#db.deleteFrom('oidc_payloads').where('model', '=', this.#model).where('id', '=', id).execute();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.#db.deleteFrom('oidc_payloads').where('model', '=', this.#model).where('grant_id', '=', grantId).execute();
  }

  async #findBy(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
    const row = await this.#db
      .selectFrom('oidc_payloads')
      .select(['payload', 'consumed_at'])
      .where('model', '=', this.#model)
      .where(column, '=', value)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      ...(row.payload as AdapterPayload),
      ...(row.consumed_at ? { consumed: Math.floor(row.consumed_at.getTime() / 1000) } : {}),
    };
  }
}

/** Deletes expired records; run periodically by the worker. */
/** Keeps a registered client for `seconds` from now (it was just used). */
export async function extendClientLife(db: Kysely<Database>, clientId: string, seconds: number): Promise<void> {
  await db
    .updateTable('oidc_payloads')
    .set({ expires_at: new Date(Date.now() + seconds * 1000) })
    .where('model', '=', 'Client')
    .where('id', '=', clientId)
    .execute();
}

export async function sweepExpiredOidcPayloads(db: Kysely<Database>): Promise<number> {
  const result = await db.deleteFrom('oidc_payloads').where('expires_at', '<', sql<Date>`now()`).executeTakeFirst();
  return Number(result.numDeletedRows);
}
