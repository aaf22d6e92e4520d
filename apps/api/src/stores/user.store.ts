import type { Role, UserRef } from '@yeet/domain';
import type { UserRow } from '@yeet/db';
import type { Executor } from './executor.ts';
import { isUuid } from './cursor.ts';

export interface User extends UserRef {
  issuer: string;
  subject: string;
  email: string | null;
  roles: Role[];
}

export interface IdentityClaims {
  issuer: string;
  subject: string;
  displayName: string;
  email: string | null;
}

export class UserStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  /**
   * Inserts the user on first sight, refreshes name and email afterwards. `roles` are
   * written only when given (dev identities and seeding); otherwise they stay as stored.
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

  async get(id: string): Promise<User | null> {
    if (!isUuid(id)) return null;
    const row = await this.#db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toUser(row) : null;
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
  };
}
