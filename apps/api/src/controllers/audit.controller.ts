import { invalidField, type Caller } from '@yeet/domain';
import type { AuditEntry, AuditFilter } from '../stores/audit.store.ts';
import { isUuid } from '../stores/cursor.ts';
import type { DataAccess } from '../stores/database.ts';

/** The kinds of events the audit log holds; a filter naming another is refused rather than matching nothing. */
export const auditKinds = [
  'recipe.create',
  'recipe.update',
  'recipe.submit',
  'recipe.approve',
  'recipe.reject',
  'recipe.unpublish',
  'recipe.archive',
  'user.roles_changed',
  'user.deleted',
  'user.sign_in_failures',
  'user.data_exported',
] as const;

/** The audit log, for admins (the policy table lets only them through). */
export class AuditController {
  readonly #data: DataAccess;

  constructor(data: DataAccess) {
    this.#data = data;
  }

  async list(
    _caller: Caller,
    filter: AuditFilter,
    pageSize: number,
    pageToken: string,
  ): Promise<{ events: AuditEntry[]; nextPageToken: string }> {
    if (filter.actorId && !isUuid(filter.actorId)) throw invalidField('actorId', 'must be a user id (a UUID)');
    if (filter.subjectId && !isUuid(filter.subjectId)) throw invalidField('subjectId', 'must be a recipe or user id (a UUID)');
    const unknown = filter.kinds.find((k) => !(auditKinds as readonly string[]).includes(k));
    if (unknown !== undefined) throw invalidField('kinds', `"${unknown}" is not a kind; use one of: ${auditKinds.join(', ')}`);
    if (filter.since && filter.until && filter.since >= filter.until) throw invalidField('until', 'must be after since');
    return this.#data.stores.audit.list(filter, pageSize, pageToken);
  }
}
