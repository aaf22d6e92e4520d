import { sql } from '@yeet/db';
import { isUuid } from './cursor.ts';
import type { Executor } from './executor.ts';

export type ExportStatus = 'preparing' | 'ready' | 'failed';

export interface DataExportRow {
  id: string;
  userId: string;
  requestedBy: string | null;
  status: ExportStatus;
  byteSize: number | null;
  sha256: string | null;
  error: string | null;
  createdAt: Date;
  readyAt: Date | null;
  expiresAt: Date | null;
}

/** A build still "preparing" after this long is taken as lost (a crashed worker): swept like a failure. */
const abandonedAfter = sql`interval '1 day'`;

/** Archives of a person's data (migration 0010): requested, built by a job, swept once expired. */
export class ExportStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  async create(id: string, userId: string, requestedBy: string): Promise<DataExportRow> {
    const row = await this.#db
      .insertInto('data_exports')
      .values({ id, user_id: userId, requested_by: requestedBy })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toExport(row);
  }

  async get(id: string): Promise<DataExportRow | null> {
    if (!isUuid(id)) return null;
    const row = await this.#db.selectFrom('data_exports').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toExport(row) : null;
  }

  /** Whose data the export holds; null when there is no such export. */
  async ownerOf(id: string): Promise<string | null> {
    return (await this.get(id))?.userId ?? null;
  }

  /** The export being built for this person, if any (asking again returns it rather than building twice). */
  async preparingFor(userId: string): Promise<DataExportRow | null> {
    const row = await this.#db
      .selectFrom('data_exports')
      .selectAll()
      .where('user_id', '=', userId)
      .where('status', '=', 'preparing')
      .where('created_at', '>', sql<Date>`now() - ${abandonedAfter}`)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toExport(row) : null;
  }

  /** The person's exports that have not expired, newest first. */
  async listOf(userId: string, limit = 10): Promise<DataExportRow[]> {
    if (!isUuid(userId)) return [];
    const rows = await this.#db
      .selectFrom('data_exports')
      .selectAll()
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toExport);
  }

  /**
   * The archive is stored: downloadable until `expiresAt`. False when the export is no longer
   * being prepared (its account was deleted meanwhile): the caller removes the archive.
   */
  async markReady(id: string, byteSize: number, sha256: string, expiresAt: Date): Promise<boolean> {
    const result = await this.#db
      .updateTable('data_exports')
      .set({ status: 'ready', byte_size: byteSize, sha256, ready_at: new Date(), expires_at: expiresAt })
      .where('id', '=', id)
      .where('status', '=', 'preparing')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.#db
      .updateTable('data_exports')
      .set({ status: 'failed', error })
      .where('id', '=', id)
      .where('status', '=', 'preparing')
      .execute();
  }

  /**
   * The account is being deleted: every export of it expires now (the sweep removes the
   * archives), and one still being built will not become ready.
   */
  async expireAllOf(userId: string): Promise<number> {
    const result = await this.#db
      .updateTable('data_exports')
      .set({
        expires_at: new Date(),
        status: sql<'ready' | 'failed'>`case when status = 'preparing' then 'failed' else status end`,
        error: sql<string>`case when status = 'preparing' then 'The account was deleted.' else error end`,
      })
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Exports past their link's expiry, failed a day ago, or abandoned: their archives and rows go. */
  async sweepable(limit: number): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('data_exports')
      .select('id')
      .where((eb) =>
        eb.or([
          eb('expires_at', '<=', sql<Date>`now()`),
          eb.and([eb('status', '!=', 'ready'), eb('created_at', '<', sql<Date>`now() - ${abandonedAfter}`)]),
        ]),
      )
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async delete(ids: string[]): Promise<void> {
    if (ids.length) await this.#db.deleteFrom('data_exports').where('id', 'in', ids).execute();
  }
}

function toExport(row: {
  id: string;
  user_id: string;
  requested_by: string | null;
  status: ExportStatus;
  byte_size: string | null;
  sha256: string | null;
  error: string | null;
  created_at: Date;
  ready_at: Date | null;
  expires_at: Date | null;
}): DataExportRow {
  return {
    id: row.id,
    userId: row.user_id,
    requestedBy: row.requested_by,
    status: row.status,
    byteSize: row.byte_size === null ? null : Number(row.byte_size),
    sha256: row.sha256,
    error: row.error,
    createdAt: row.created_at,
    readyAt: row.ready_at,
    expiresAt: row.expires_at,
  };
}
