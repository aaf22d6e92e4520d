import { sql } from '@yeet/db';
import type { Executor } from './executor.ts';

/** Web sessions that were signed out, kept until no copy of their cookie can be valid any more. */
export class WebSessionStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  /** Records the session as ended; ending it again changes nothing. */
  async end(id: string, until: Date): Promise<void> {
    await this.#db
      .insertInto('ended_web_sessions')
      .values({ id, expires_at: until })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async isEnded(id: string): Promise<boolean> {
    const row = await this.#db.selectFrom('ended_web_sessions').select('id').where('id', '=', id).executeTakeFirst();
    return row !== undefined;
  }

  /** Forgets sessions whose cookies have expired anyway; returns how many. */
  async sweep(): Promise<number> {
    const result = await this.#db.deleteFrom('ended_web_sessions').where('expires_at', '<', sql<Date>`now()`).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
