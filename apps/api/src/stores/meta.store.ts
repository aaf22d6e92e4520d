import type { Executor } from './executor.ts';

/** Small facts about the installation itself (e.g. when the demo data was seeded). */
export class MetaStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  async get(key: string): Promise<unknown> {
    const row = await this.#db.selectFrom('app_meta').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  async set(key: string, value: unknown): Promise<void> {
    const json = JSON.stringify(value);
    await this.#db
      .insertInto('app_meta')
      .values({ key, value: json })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: new Date() }))
      .execute();
  }
}
