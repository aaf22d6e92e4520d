import type { AccountRow } from '@yeet/db';
import { sql } from '@yeet/db';
import type { Executor } from './executor.ts';
import { isUuid } from './cursor.ts';

export interface Account {
  id: string;
  email: string;
  displayName: string;
  passwordHash: string;
}

/** Local accounts of the built-in issuer. */
export class AccountStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  /** null when the email is taken (case-insensitively). */
  async create(email: string, displayName: string, passwordHash: string): Promise<Account | null> {
    const row = await this.#db
      .insertInto('accounts')
      .values({ email, display_name: displayName, password_hash: passwordHash })
      .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
      .returningAll()
      .executeTakeFirst();
    return row ? toAccount(row) : null;
  }

  async findByEmail(email: string): Promise<Account | null> {
    const row = await this.#db
      .selectFrom('accounts')
      .selectAll()
      .where(sql`lower(email)`, '=', email.toLowerCase())
      .executeTakeFirst();
    return row ? toAccount(row) : null;
  }

  async get(id: string): Promise<Account | null> {
    if (!isUuid(id)) return null;
    const row = await this.#db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toAccount(row) : null;
  }

  async touchSignIn(id: string): Promise<void> {
    await this.#db.updateTable('accounts').set({ last_sign_in_at: new Date() }).where('id', '=', id).execute();
  }
}

function toAccount(row: AccountRow): Account {
  return { id: row.id, email: row.email, displayName: row.display_name, passwordHash: row.password_hash };
}
