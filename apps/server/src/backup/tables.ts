import { type Kysely, sql } from '@yeet/db';
import { archivedTables, BackupError, derivedTables } from './format.ts';

/** Table-level SQL shared by backup and restore. Table names only ever come from `archivedTables`. */
// biome-ignore lint/suspicious/noExplicitAny: raw SQL over tables the typed schema may not know yet (older archives)
export type AnyDb = Kysely<any>;

/** The last migration applied, or null for a database never migrated. */
export async function appliedSchemaVersion(db: AnyDb): Promise<string | null> {
  const exists = await sql<{ t: string | null }>`select to_regclass('public.kysely_migration')::text as t`.execute(db);
  if (!exists.rows[0]?.t) return null;
  const last = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(db);
  return last.rows[0]?.name ?? null;
}

/**
 * Stops a backup that would silently miss data: every table of the schema must be either
 * archived or known to be derived. A migration that adds a table must say which it is.
 */
export async function assertTablesKnown(db: AnyDb): Promise<void> {
  const rows = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(db);
  const known = new Set<string>([...archivedTables, ...derivedTables]);
  const unknown = rows.rows.map((r) => r.name).filter((name) => !known.has(name));
  if (unknown.length) {
    throw new BackupError(
      `the database has tables the backup does not know (${unknown.join(', ')}): add them to apps/server/src/backup/format.ts`,
    );
  }
}

/** The archived tables this database has (older schema versions lack some), in load order. */
export async function existingArchivedTables(db: AnyDb): Promise<string[]> {
  const rows = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_name = any(${[...archivedTables]}::text[])`.execute(db);
  const present = new Set(rows.rows.map((r) => r.name));
  return archivedTables.filter((t) => present.has(t));
}

/** Columns a row can be written with (generated ones are computed by the database), in table order. */
export async function writableColumns(db: AnyDb, table: string): Promise<string[]> {
  const rows = await sql<{ name: string }>`
    select column_name as name from information_schema.columns
    where table_schema = 'public' and table_name = ${table} and is_generated = 'NEVER'
    order by ordinal_position`.execute(db);
  return rows.rows.map((r) => r.name);
}

export async function primaryKey(db: AnyDb, table: string): Promise<string[]> {
  const rows = await sql<{ name: string }>`
    select a.attname as name
    from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
    where i.indrelid = ${`public.${table}`}::regclass and i.indisprimary
    order by array_position(i.indkey, a.attnum)`.execute(db);
  return rows.rows.map((r) => r.name);
}

export async function rowCount(db: AnyDb, table: string): Promise<number> {
  const r = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
