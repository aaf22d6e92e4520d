import { sql } from '@yeet/db';
import type { UserRow } from '@yeet/db';
import type { Role, UserRef } from '@yeet/domain';
import type { Executor } from './executor.ts';
import { decodeCursor, encodeCursor, invalidPageToken, isUuid } from './cursor.ts';

export interface User extends UserRef {
  issuer: string;
  subject: string;
  email: string | null;
  roles: Role[];
  createdAt: Date;
}

export interface IdentityClaims {
  issuer: string;
  subject: string;
  displayName: string;
  email: string | null;
}

/** Issuers of users nobody signs in as: demo data, benchmarks, the development header. */
export const syntheticIssuers = ['urn:yeet:demo', 'urn:yeet:bench', 'urn:yeet:dev'];

export class UserStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  /**
   * Inserts the user on first sight, refreshes name and email afterwards. `roles` are
   * written only when given; otherwise they stay as stored (new users get the default).
   */
  async upsert(claims: IdentityClaims, roles?: Role[]): Promise<User> {
    const row = await this.#db
      .insertInto('users')
      .values({
        issuer: claims.issuer,
        subject: claims.subject,
        display_name: claims.displayName,
        email: claims.email,
        ...(roles ? { roles } : {}),
      })
      .onConflict((oc) =>
        oc.columns(['issuer', 'subject']).doUpdateSet((eb) => ({
          display_name: eb.ref('excluded.display_name'),
          email: eb.ref('excluded.email'),
          ...(roles ? { roles: eb.ref('excluded.roles') } : {}),
          updated_at: new Date(),
        })),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toUser(row);
  }

  async findByIdentity(issuer: string, subject: string): Promise<User | null> {
    const row = await this.#db
      .selectFrom('users')
      .selectAll()
      .where('issuer', '=', issuer)
      .where('subject', '=', subject)
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async get(id: string): Promise<User | null> {
    if (!isUuid(id)) return null;
    // A deleted account's row is a pseudonym, not a user: it is not found.
    const row = await this.#db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }

  /** Serialises decisions about roles (the first person, the last admin) until the transaction ends. */
  async lockRoleDecisions(): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext('yeet:first-user'))`.execute(this.#db);
  }

  /** Whether any person (not demo, benchmark or development data) has an account yet. */
  async hasPeople(): Promise<boolean> {
    const row = await this.#db
      .selectFrom('users')
      .select('id')
      .where('issuer', 'not in', syntheticIssuers)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async countAdmins(): Promise<number> {
    const row = await this.#db
      .selectFrom('users')
      .select(sql<number>`count(*)::int`.as('n'))
      .where(sql<boolean>`'admin' = any(roles)`)
      .where('issuer', 'not in', syntheticIssuers)
      .executeTakeFirstOrThrow();
    return row.n;
  }

  async setRoles(id: string, roles: Role[]): Promise<User> {
    const row = await this.#db
      .updateTable('users')
      .set({ roles, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toUser(row);
  }

  async setDisplayName(id: string, displayName: string): Promise<User> {
    const row = await this.#db
      .updateTable('users')
      .set({ display_name: displayName, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toUser(row);
  }

  /** People by name (then id), optionally filtered by part of a name or email. */
  async list(query: string, limit: number, pageToken: string): Promise<{ users: User[]; nextPageToken: string }> {
    const fingerprint = { query };
    const after = decodeCursor(fingerprint, pageToken);
    let q = this.#db
      .selectFrom('users')
      .selectAll()
      .where('issuer', 'not in', ['urn:yeet:bench', 'urn:yeet:dev'])
      .where('deleted_at', 'is', null);
    if (query) {
      const pattern = `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) => eb.or([eb(sql`lower(display_name)`, 'like', pattern), eb(sql`lower(email)`, 'like', pattern)]));
    }
    if (after) {
      if (typeof after.key !== 'string' || !isUuid(after.id)) throw invalidPageToken();
      q = q.where(sql<boolean>`(lower(display_name), id) > (${after.key}, ${after.id}::uuid)`);
    }
    const rows = await q
      .orderBy(sql`lower(display_name)`)
      .orderBy('id')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      users: page.map(toUser),
      nextPageToken:
        rows.length > limit && last ? encodeCursor(fingerprint, { key: last.display_name.toLowerCase(), id: last.id }) : '',
    };
  }
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    displayName: row.display_name,
    issuer: row.issuer,
    subject: row.subject,
    email: row.email,
    roles: row.roles as Role[],
    createdAt: row.created_at,
  };
}
