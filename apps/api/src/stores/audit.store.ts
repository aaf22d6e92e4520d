import type { Executor } from './executor.ts';

export type AuditKind = 'user.roles_changed' | 'user.deleted';

export interface NewAuditEvent {
  kind: AuditKind;
  actorId: string | null;
  subjectId: string | null;
  /** The shape of what happened, never the data removed (no names, emails or texts). */
  detail: Record<string, unknown>;
}

/** Role changes, account deletions and other admin actions; lifecycle events live in recipe_events. */
export class AuditStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
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
}
