import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { reindexSearch } from '@yeet/api';
import { migrateTo, migrateToLatest, migrationNames, sql } from '@yeet/db';
import { type ObjectStorage, readTarGz, storageKeys } from '@yeet/media';
import {
  archivedTables,
  BackupError,
  entryPattern,
  formatVersion,
  imageEntry,
  type Manifest,
  manifestEntry,
  parseManifest,
  tableEntry,
} from './format.ts';
import { type AnyDb, appliedSchemaVersion, existingArchivedTables, rowCount, writableColumns } from './tables.ts';

export interface RestoreOptions {
  /** Restore over a database and storage that already hold data: their archived tables are emptied first. */
  replace?: boolean;
}

export interface RestoreResult {
  manifest: Manifest;
  /** Published recipes in the rebuilt search index. */
  reindexed: number;
  /** Migrations applied after loading, up to this build's latest. */
  upgradedBy: string[];
}

const rowsPerInsert = 500;

/**
 * Restores an archive (a local file) into a database and an image storage. Everything is
 * checked before anything is written: the format and schema versions, every checksum, and
 * that the database and storage are empty (unless `replace`). Then the schema is migrated to
 * the archive's version, the originals are stored, the tables loaded in one transaction and
 * identity sequences moved past the restored ids; then the schema is brought to this build's
 * latest and the search index rebuilt from the restored recipes.
 */
export async function restoreBackup(
  target: { db: AnyDb; storage: ObjectStorage },
  archive: string,
  options: RestoreOptions = {},
): Promise<RestoreResult> {
  const staging = await mkdtemp(path.join(os.tmpdir(), 'yeet-restore-'));
  try {
    const manifest = await extractVerified(archive, staging);
    const { db, storage } = target;
    const images = await imageFormats(path.join(staging, tableEntry('images')));
    await assertEmpty(db, storage, manifest, images, options.replace ?? false);

    await migrateTo(db, manifest.schemaVersion);
    for (const [id, format] of images) {
      await storage.put(storageKeys.original(id), await readFile(path.join(staging, imageEntry(id))), `image/${format}`);
    }
    await db.transaction().execute(async (trx) => {
      const tables = await existingArchivedTables(trx);
      const archived = new Set(manifest.tables.map((t) => t.name));
      // At the archive's schema version the database has exactly the archive's tables.
      const mismatch = tables.filter((t) => !archived.has(t)).concat([...archived].filter((t) => !tables.includes(t)));
      if (mismatch.length) throw new BackupError(`the archive does not match its schema version (tables ${mismatch.join(', ')})`);
      if (options.replace) {
        // CASCADE takes the search documents along; the whole index is rebuilt below.
        await sql`truncate ${sql.join(tables.map((t) => sql.table(t)))} restart identity cascade`.execute(trx);
      }
      for (const table of tables) await loadTable(trx, table, path.join(staging, tableEntry(table)));
      await resetSequences(trx, tables);
    });
    const upgradedBy = await migrateToLatest(db);
    const { indexed } = await reindexSearch(db);
    return { manifest, reindexed: indexed, upgradedBy };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Unpacks the archive into `dir`, hashing as it goes, and checks it against its manifest. */
async function extractVerified(archive: string, dir: string): Promise<Manifest> {
  await mkdir(path.join(dir, 'db'));
  await mkdir(path.join(dir, 'images'));
  const found = new Map<string, { sha256: string; bytes: number }>();
  await readTarGz(archive, async (name, size, body) => {
    if (!entryPattern.test(name) || found.has(name)) throw new BackupError(`the archive holds an unexpected entry "${name}"`);
    const hash = createHash('sha256');
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    await pipeline(body, hashing, createWriteStream(path.join(dir, name), { flags: 'wx' }));
    found.set(name, { sha256: hash.digest('hex'), bytes: size });
  });
  if (!found.has(manifestEntry)) throw new BackupError('the archive has no manifest.json: it is not an Eat or Yeet backup');
  const manifest = parseManifest(await readFile(path.join(dir, manifestEntry), 'utf8'));
  if (manifest.formatVersion !== formatVersion) {
    throw new BackupError(
      `the archive is in backup format ${manifest.formatVersion}; this version of Eat or Yeet reads format ${formatVersion}` +
        (manifest.formatVersion > formatVersion ? ': upgrade Eat or Yeet, then restore' : ''),
    );
  }
  const known = await migrationNames();
  if (!known.includes(manifest.schemaVersion)) {
    throw new BackupError(
      `the archive is from a newer database schema (${manifest.schemaVersion}) than this version of Eat or Yeet knows ` +
        `(up to ${known.at(-1)}): upgrade Eat or Yeet (${manifest.appVersion} or later), then restore`,
    );
  }
  for (const [name, expected] of Object.entries(manifest.files)) {
    const actual = found.get(name);
    if (!actual) throw new BackupError(`the archive is incomplete: ${name} is missing`);
    if (actual.sha256 !== expected.sha256 || actual.bytes !== expected.bytes) {
      throw new BackupError(`checksum mismatch for ${name}: the archive is damaged or was altered; nothing was restored`);
    }
  }
  for (const name of found.keys()) {
    if (name !== manifestEntry && !manifest.files[name])
      throw new BackupError(`the archive holds ${name}, which its manifest does not list`);
  }
  for (const table of manifest.tables) {
    if (
      !(archivedTables as readonly string[]).includes(table.name) ||
      table.file !== tableEntry(table.name) ||
      !manifest.files[table.file]
    ) {
      throw new BackupError(`the archive's manifest lists an unknown table or file (${table.name}, ${table.file})`);
    }
  }
  if (!manifest.tables.some((t) => t.name === 'images')) throw new BackupError('the archive has no images table');
  return manifest;
}

/** Each image row's id and format (the content type its original is stored with). */
async function imageFormats(file: string): Promise<Map<string, string>> {
  const images = new Map<string, string>();
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
    if (!line) continue;
    const row = JSON.parse(line) as { id: string; format: string };
    images.set(row.id, row.format);
  }
  return images;
}

async function assertEmpty(
  db: AnyDb,
  storage: ObjectStorage,
  manifest: Manifest,
  images: Map<string, string>,
  replace: boolean,
): Promise<void> {
  const current = await appliedSchemaVersion(db);
  if (current && current > manifest.schemaVersion) {
    throw new BackupError(
      `the database is already at schema ${current}, newer than the archive's ${manifest.schemaVersion}: restore into a new, empty database`,
    );
  }
  for (const id of images.keys()) {
    if (!manifest.files[imageEntry(id)]) throw new BackupError(`the archive lacks the original of image ${id}`);
  }
  if (replace) return;
  if (current) {
    for (const table of await existingArchivedTables(db)) {
      if (await rowCount(db, table)) {
        throw new BackupError(
          `the database is not empty (table ${table} has rows): restore into an empty one, or pass --replace`,
        );
      }
    }
  }
  for (const id of images.keys()) {
    if ((await storage.size(storageKeys.original(id))) !== null) {
      throw new BackupError(`the image storage already holds image ${id}: restore into empty storage, or pass --replace`);
    }
  }
}

async function loadTable(db: AnyDb, table: string, file: string): Promise<void> {
  const columns = await writableColumns(db, table);
  const list = sql.join(columns.map((c) => sql.ref(c)));
  let batch: string[] = [];
  const flush = async () => {
    if (!batch.length) return;
    // The archive's rows as JSON, converted by PostgreSQL to the columns' own types.
    await sql`insert into ${sql.table(table)} (${list}) overriding system value
      select ${list} from jsonb_populate_recordset(null::${sql.table(table)}, ${`[${batch.join(',')}]`}::jsonb)`.execute(db);
    batch = [];
  };
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
    if (!line) continue;
    batch.push(line);
    if (batch.length >= rowsPerInsert) await flush();
  }
  await flush();
}

/** Identity and serial columns continue after the highest restored value. */
async function resetSequences(db: AnyDb, tables: string[]): Promise<void> {
  const sequences = await sql<{ tbl: string; col: string; seq: string }>`
    select table_name as tbl, column_name as col, pg_get_serial_sequence(format('public.%I', table_name), column_name) as seq
    from information_schema.columns
    where table_schema = 'public' and table_name = any(${tables}::text[])
      and pg_get_serial_sequence(format('public.%I', table_name), column_name) is not null`.execute(db);
  for (const s of sequences.rows) {
    const highest = sql`(select max(${sql.ref(s.col)}) from ${sql.table(s.tbl)})`;
    await sql`select setval(${s.seq}::regclass, coalesce(${highest}, 0) + 1, false)`.execute(db);
  }
}
