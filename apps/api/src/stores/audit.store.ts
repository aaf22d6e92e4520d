import { sql } from '@yeet/db';
import type { UserRef } from '@yeet/domain';
import { decodeCursor, encodeCursor, invalidPageToken } from './cursor.ts';
import type { Executor } from './executor.ts';

export type AuditKind = 'user.roles_changed' | 'user.deleted' | 'user.sign_in_failures' | 'user.data_exported';

export interface NewAuditEvent {
  kind: AuditKind;
  actorId: string | null;
  subjectId: string | null;
  /** The shape of what happened, never the data removed (no names, emails or texts). */
  detail: Record<string, unknown>;
}

export interface AuditFilter {
  actorId: string | null;
  subjectId: string | null;
  kinds: string[];
  since: Date | null;
  until: Date | null;
}

export interface AuditEntry {
  id: string;
  kind: string;
  actor: UserRef | null;
  subjectKind: 'recipe' | 'user';
  subjectId: string | null;
  subjectLabel: string;
  createdAt: Date;
  detail: Record<string, unknown>;
}

/** Role changes, account deletions and other admin actions; lifecycle events live in recipe_events. */
export class AuditStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  /** Forgets events older than `days` days (AUDIT_RETENTION_DAYS); returns how many. */
  async sweep(days: number): Promise<number> {
    const result = await this.#db
      .deleteFrom('audit_events')
      .where('created_at', '<', sql<Date>`now() - make_interval(days => ${days})`)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async record(event: NewAuditEvent): Promise<void> {
    await this.#db
      .insertInto('audit_events')
      .values({
        kind: event.kind,
        actor_id: event.actorId,
        subject_id: event.subjectId,
        detail: JSON.stringify(event.detail),
      })
      .execute();
  }

  /**
   * The audit log: lifecycle events (recipe_events) and the rest (audit_events) as one list,
   * newest first, keyset-paged on (time, id).
   */
  async list(filter: AuditFilter, limit: number, pageToken: string): Promise<{ events: AuditEntry[]; nextPageToken: string }> {
    const after = decodeCursor(filter, pageToken);
    if (after && (typeof after.key !== 'string' || Number.isNaN(Date.parse(after.key)))) throw invalidPageToken();
    const conditions = [
      filter.actorId ? sql`e.actor_id = ${filter.actorId}::uuid` : null,
      filter.subjectId ? sql`e.subject_id = ${filter.subjectId}::uuid` : null,
      filter.kinds.length ? sql`e.kind = any(${filter.kinds}::text[])` : null,
      filter.since ? sql`e.created_at >= ${filter.since}` : null,
      filter.until ? sql`e.created_at < ${filter.until}` : null,
      after ? sql`(e.created_at, e.id) < (${after.key}::timestamptz, ${after.id})` : null,
    ].filter((c) => c !== null);
    const where = conditions.length ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
    const { rows } = await sql<{
      id: string;
      kind: string;
      actor_id: string | null;
      actor_name: string | null;
      subject_kind: 'recipe' | 'user';
      subject_id: string | null;
      subject_label: string | null;
      created_at: Date;
      detail: Record<string, unknown>;
    }>`
      select e.*, a.display_name as actor_name
      from (
        select 'recipe:' || re.id as id, 'recipe.' || re.action as kind, re.actor_id, 'recipe' as subject_kind,
               re.recipe_id as subject_id, r.title as subject_label, re.created_at,
               jsonb_strip_nulls(jsonb_build_object('from', re.from_status, 'to', re.to_status, 'reason', re.reason)) as detail
        from recipe_events re join recipes r on r.id = re.recipe_id
        union all
        select 'audit:' || ae.id, ae.kind, ae.actor_id, 'user', ae.subject_id, su.display_name, ae.created_at, ae.detail
        from audit_events ae left join users su on su.id = ae.subject_id
      ) e
      left join users a on a.id = e.actor_id
      ${where}
      order by e.created_at desc, e.id desc
      limit ${limit + 1}`.execute(this.#db);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      events: page.map((r) => ({
        id: r.id,
        kind: r.kind,
        actor: r.actor_id ? { id: r.actor_id, displayName: r.actor_name ?? '' } : null,
        subjectKind: r.subject_kind,
        subjectId: r.subject_id,
        subjectLabel: r.subject_label ?? '',
        createdAt: r.created_at,
        detail: r.detail,
      })),
      nextPageToken: rows.length > limit && last ? encodeCursor(filter, { key: last.created_at.toISOString(), id: last.id }) : '',
    };
  }
}
