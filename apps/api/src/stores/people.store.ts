import { sql, type RawBuilder } from '@yeet/db';
import type { Executor } from './executor.ts';
import { isUuid } from './cursor.ts';

/** How a deleted account is shown wherever its events or kept recipes still point. */
export const formerMemberName = 'A former member';
/** The issuer of deleted accounts' rows: nobody signs in as it. */
export const deletedIssuer = 'urn:yeet:deleted';

const identityHash = (issuer: RawBuilder<unknown>, subject: RawBuilder<unknown>) =>
  sql<string>`encode(sha256(convert_to(${issuer} || chr(10) || ${subject}, 'UTF8')), 'hex')`;

/**
 * Erasing a person's data (docs/decisions/0024-account-deletion.md). Each method removes one
 * kind of record; the controller runs them in one transaction, in order.
 */
export class PeopleStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  /** The person's recipes, locked until the transaction ends. */
  async recipesOf(userId: string): Promise<Array<{ id: string; status: string }>> {
    if (!isUuid(userId)) return [];
    return this.#db
      .selectFrom('recipes')
      .select(['id', 'status'])
      .where('author_id', '=', userId)
      .orderBy('id')
      .forUpdate()
      .execute();
  }

  /** Deletes recipes; their events, ratings, image links and search documents go with them (cascade). */
  async deleteRecipes(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.#db.deleteFrom('recipes').where('id', 'in', ids).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Deletes the person's ratings and reviews; returns the recipes whose summaries changed. */
  async deleteRatingsBy(userId: string): Promise<string[]> {
    const rows = await this.#db.deleteFrom('ratings').where('user_id', '=', userId).returning('recipe_id').execute();
    return rows.map((r) => r.recipe_id);
  }

  async deleteIdempotencyKeys(userId: string): Promise<void> {
    await this.#db.deleteFrom('idempotency_keys').where('caller_id', '=', userId).execute();
  }

  /**
   * Rate-limit counters naming the person (by id for their calls, by email for sign-in
   * attempts) in the PostgreSQL limits store; Redis keys expire with their window.
   */
  async deleteRateLimits(userId: string, email: string | null): Promise<void> {
    const needles = [userId, ...(email ? [email.toLowerCase()] : [])];
    await sql`delete from rate_limits where ${sql.join(
      needles.map((n) => sql`strpos(lower(key), ${n}) > 0`),
      sql` or `,
    )}`.execute(this.#db);
  }

  /**
   * The built-in issuer's account and everything it stored for it: sessions, grants, codes and
   * refresh tokens (oidc-provider keeps the account id in each payload).
   */
  async deleteLocalAccount(accountId: string): Promise<void> {
    await this.#db.deleteFrom('oidc_payloads').where(sql<string>`payload->>'accountId'`, '=', accountId).execute();
    if (isUuid(accountId)) await this.#db.deleteFrom('accounts').where('id', '=', accountId).execute();
  }

  /** Whether this identity's account was deleted after `since` (its tokens may still be valid). */
  async deletedRecently(issuer: string, subject: string, since: Date): Promise<boolean> {
    const row = await this.#db
      .selectFrom('users')
      .select('id')
      .where('issuer', '=', deletedIssuer)
      .where(sql<string>`split_part(subject, ':', 1)`, '=', identityHash(sql`${issuer}`, sql`${subject}`))
      .where('deleted_at', '>', since)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Everything stored about a person, as rows (the controller shapes the export). The
   * built-in issuer's account only when `localAccountId` is given.
   */
  async exportRows(userId: string, localAccountId: string | null) {
    const recipes = await this.#db
      .selectFrom('recipes')
      .selectAll()
      .where('author_id', '=', userId)
      .orderBy('created_at')
      .execute();
    const ids = recipes.map((r) => r.id);
    const [events, ratings, images, audit, account] = await Promise.all([
      ids.length
        ? this.#db
            .selectFrom('recipe_events')
            .select(['recipe_id', 'action', 'from_status', 'to_status', 'reason', 'created_at'])
            .where('recipe_id', 'in', ids)
            .orderBy('id')
            .execute()
        : [],
      this.#db
        .selectFrom('ratings')
        .innerJoin('recipes', 'recipes.id', 'ratings.recipe_id')
        .select(['ratings.recipe_id', 'recipes.title', 'recipes.slug', 'ratings.stars', 'ratings.review'])
        .select(['ratings.created_at', 'ratings.updated_at'])
        .where('ratings.user_id', '=', userId)
        .orderBy('ratings.created_at')
        .execute(),
      this.#db
        .selectFrom('images')
        .select(['id', 'format', 'byte_size', 'width', 'height', 'created_at'])
        .where('owner_id', '=', userId)
        .orderBy('created_at')
        .execute(),
      this.#db
        .selectFrom('audit_events')
        .select(['kind', 'detail', 'created_at'])
        .where('subject_id', '=', userId)
        .orderBy('id')
        .execute(),
      localAccountId && isUuid(localAccountId)
        ? this.#db
            .selectFrom('accounts')
            .select(['email', 'display_name', 'created_at', 'last_sign_in_at'])
            .where('id', '=', localAccountId)
            .executeTakeFirst()
        : undefined,
    ]);
    return { recipes, events, ratings, images, audit, account: account ?? null };
  }

  /** Uploads not yet attached: nothing shows them, and they are the person's files. */
  async deleteUploads(userId: string): Promise<void> {
    await this.#db.deleteFrom('uploads').where('owner_id', '=', userId).execute();
  }

  /**
   * Turns the user row into a pseudonym: no name, no email, an identity nobody signs in as
   * (signing in again with the same provider starts a new account). Null when the row does not
   * exist or is already deleted.
   */
  async pseudonymise(userId: string): Promise<string | null> {
    if (!isUuid(userId)) return null;
    const row = await this.#db
      .updateTable('users')
      .set({
        display_name: formerMemberName,
        email: null,
        issuer: deletedIssuer,
        // Who it was, as a one-way hash (plus the row id, unique per deletion): enough to refuse
        // that person's still-valid tokens for a while (deletedRecently), not to name them.
        subject: sql<string>`${identityHash(sql.ref('issuer'), sql.ref('subject'))} || ':' || id::text`,
        roles: ['user'],
        deleted_at: new Date(),
        updated_at: new Date(),
      })
      .where('id', '=', userId)
      .where('deleted_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    return row?.id ?? null;
  }
}
