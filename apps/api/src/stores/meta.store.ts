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

  /** The stored value, or `create()`'s, stored now; concurrent callers all get the same one. */
  async getOrCreate<T>(key: string, create: () => Promise<T> | T): Promise<T> {
    const existing = await this.get(key);
    if (existing !== undefined) return existing as T;
    await this.#db
      .insertInto('app_meta')
      .values({ key, value: JSON.stringify(await create()) })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return (await this.get(key)) as T;
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
