/**
 * The backup archive, format version 1 (docs/decisions/0013-backup-format.md): a tar.gz of
 * `manifest.json`, one JSON Lines file per table (`db/<table>.jsonl`, one row per line as
 * PostgreSQL's `to_jsonb` writes it, in primary-key order) and every image original
 * (`images/<id>`). A later format gets a new number; a reader refuses numbers it does not know.
 */
export const formatName = 'eat-or-yeet-backup';
export const formatVersion = 1;

/**
 * The tables an archive holds, in the order they are loaded (parents before children).
 * Every other table of the schema is derived and rebuilt after a restore; the job queue
 * (schema graphile_worker) is not part of the archive at all. A table that an older schema
 * version lacks is simply absent from its archives.
 */
export const archivedTables = [
  'app_meta',
  'users',
  'accounts',
  'recipes',
  'recipe_events',
  'ratings',
  'uploads',
  'images',
  'recipe_images',
  'oidc_payloads',
  // signed-out web sessions: without them, a copied cookie of a signed-out session would work again
  'ended_web_sessions',
  // who changed what (role changes, account deletions): the audit log admins read
  'audit_events',
  // people's saved recipes: Favourites and named collections (after users and recipes)
  'collections',
  'collection_recipes',
  // people's meal plans and the tokens of their calendar feeds (after users and recipes)
  'meal_plan_entries',
  'meal_plan_feeds',
  // people's shopping lists (after users and recipes): the lines, then the recipes each came from
  'shopping_list_items',
  'shopping_list_item_sources',
] as const;

/**
 * Rebuilt from the archived tables (the search index), written by the migrations themselves, or
 * transient (the outcomes of idempotency keys: a retry after a restore runs its request again;
 * rate-limit counters: a restore starts every window afresh).
 */
export const derivedTables = [
  'search_documents',
  'search_facet_totals',
  'search_lexicon',
  'search_synonyms',
  // the in-memory search index's change feed: a restore reloads the index from search_documents
  'search_changes',
  'kysely_migration',
  'kysely_migration_lock',
  'idempotency_keys',
  'rate_limits',
  // data exports: their archives live in the object storage, outside a backup; a person asks again
  'data_exports',
] as const;

export interface Manifest {
  format: typeof formatName;
  formatVersion: number;
  /** The last migration applied to the database the archive was taken from. */
  schemaVersion: string;
  createdAt: string;
  appVersion: string;
  tables: Array<{ name: string; file: string; rows: number }>;
  images: number;
  /** Every other entry of the archive: its SHA-256 and size. */
  files: Record<string, { sha256: string; bytes: number }>;
}

/** The manifest of an archive, checked field by field; the format version is checked by the caller. */
export function parseManifest(text: string): Manifest {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new BackupError("the archive's manifest is not JSON");
  }
  const bad = (field: string) => new BackupError(`the archive's manifest has no valid "${field}"`);
  if (m?.format !== formatName) throw new BackupError('this is not an Eat or Yeet backup (its manifest names another format)');
  if (!Number.isInteger(m.formatVersion)) throw bad('formatVersion');
  for (const field of ['schemaVersion', 'createdAt', 'appVersion'] as const)
    if (typeof m[field] !== 'string' || !m[field]) throw bad(field);
  const count = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  const tables = m.tables;
  if (
    !Array.isArray(tables) ||
    !tables.every((t) => typeof t?.name === 'string' && typeof t.file === 'string' && count(t.rows))
  ) {
    throw bad('tables');
  }
  if (!count(m.images)) throw bad('images');
  const files = m.files as Record<string, { sha256?: unknown; bytes?: unknown }> | null;
  if (typeof files !== 'object' || files === null || Array.isArray(files)) throw bad('files');
  for (const f of Object.values(files)) {
    if (typeof f?.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256) || !count(f.bytes)) throw bad('files');
  }
  return m as unknown as Manifest;
}

export const manifestEntry = 'manifest.json';
export const tableEntry = (table: string) => `db/${table}.jsonl`;
export const imageEntry = (id: string) => `images/${id}`;
/** The only names an archive may contain: nothing is ever written outside the restore's own directory. */
export const entryPattern = /^(manifest\.json|db\/[a-z_]+\.jsonl|images\/[0-9a-f-]{36})$/;

/** `yeet-backup-2026-11-30T10-41-04-123Z.tar.gz`: sorts by time. */
export const archiveName = (at: Date) => `yeet-backup-${at.toISOString().replace(/[:.]/g, '-')}.tar.gz`;
export const isArchiveName = (name: string) => /^yeet-backup-[0-9TZ-]+\.tar\.gz$/.test(name);

export class BackupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BackupError';
  }
}
