import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { sql } from '@yeet/db';
import { type ArchiveStore, type ObjectStorage, storageKeys, writeTarGz } from '@yeet/media';
import {
  archiveName,
  BackupError,
  formatName,
  formatVersion,
  imageEntry,
  isArchiveName,
  type Manifest,
  manifestEntry,
  tableEntry,
} from './format.ts';
import { type AnyDb, appliedSchemaVersion, assertTablesKnown, existingArchivedTables, primaryKey } from './tables.ts';

export interface BackupResult {
  /** Where the archive is now (a file path or s3:// URL). */
  location: string;
  manifest: Manifest;
  /** Older archives deleted by retention. */
  removed: string[];
}

export interface BackupOptions {
  /** Keep this many archives in the store (the new one included); older ones are deleted. Unset: keep all. */
  keep?: number;
  now?: Date;
}

/** One backup at a time per database, whichever process starts it (the worker's schedule or `yeet backup`). */
const lockKey = sql`hashtext('eat-or-yeet:backup')`;
const rowsPerFetch = 1000;

/**
 * Writes one archive: every archived table as of one snapshot, then the originals of the
 * images that snapshot names, then the manifest with their checksums. Returns null when
 * another backup of this database is running.
 */
export async function createBackup(
  source: { db: AnyDb; storage: ObjectStorage },
  store: ArchiveStore,
  options: BackupOptions = {},
): Promise<BackupResult | null> {
  const staging = await mkdtemp(path.join(os.tmpdir(), 'yeet-backup-'));
  try {
    return await source.db.connection().execute(async (db) => {
      const locked = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${lockKey}) as ok`.execute(db);
      if (!locked.rows[0]?.ok) return null;
      try {
        const manifest = await writeContents(db, source.storage, staging, options.now ?? new Date());
        const name = archiveName(new Date(manifest.createdAt));
        const archive = path.join(staging, name);
        await writeTarGz(archive, [
          { name: manifestEntry, file: path.join(staging, manifestEntry) },
          ...Object.keys(manifest.files).map((entry) => ({ name: entry, file: path.join(staging, entry) })),
        ]);
        const location = await store.put(name, archive);
        const removed = options.keep ? await prune(store, options.keep) : [];
        return { location, manifest, removed };
      } finally {
        await sql`select pg_advisory_unlock(${lockKey})`.execute(db);
      }
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function writeContents(db: AnyDb, storage: ObjectStorage, staging: string, now: Date): Promise<Manifest> {
  await mkdir(path.join(staging, 'db'));
  await mkdir(path.join(staging, 'images'));
  const files: Manifest['files'] = {};
  const tables: Manifest['tables'] = [];
  const imageIds: string[] = [];
  // One snapshot for every table: the rows agree with each other (no rating of a recipe the archive lacks).
  await sql`begin isolation level repeatable read read only`.execute(db);
  let schemaVersion: string | null;
  try {
    await assertTablesKnown(db);
    schemaVersion = await appliedSchemaVersion(db);
    if (!schemaVersion) throw new BackupError('the database has no schema yet: there is nothing to back up');
    for (const table of await existingArchivedTables(db)) {
      const entry = tableEntry(table);
      const key = await primaryKey(db, table);
      const order = sql.join(key.map((c) => sql.ref(`t.${c}`)));
      await sql`declare rows no scroll cursor for select to_jsonb(t)::text as row from ${sql.table(table)} t order by ${order}`.execute(
        db,
      );
      const file = await open(path.join(staging, entry), 'wx');
      const hash = createHash('sha256');
      let bytes = 0;
      let rows = 0;
      try {
        for (;;) {
          const page = await sql<{ row: string }>`fetch ${sql.raw(String(rowsPerFetch))} from rows`.execute(db);
          if (page.rows.length === 0) break;
          const chunk = Buffer.from(page.rows.map((r) => `${r.row}\n`).join(''));
          await file.write(chunk);
          hash.update(chunk);
          bytes += chunk.length;
          rows += page.rows.length;
          if (table === 'images') for (const r of page.rows) imageIds.push((JSON.parse(r.row) as { id: string }).id);
        }
      } finally {
        await file.close();
      }
      // (After a failure the transaction's end closes it.)
      await sql`close rows`.execute(db);
      files[entry] = { sha256: hash.digest('hex'), bytes };
      tables.push({ name: table, file: entry, rows });
    }
  } finally {
    await sql`commit`.execute(db);
  }
  // Originals never change once stored, so reading them after the snapshot is consistent with it.
  for (const id of imageIds) {
    const bytes = await storage.get(storageKeys.original(id));
    if (!bytes) throw new BackupError(`image ${id} is in the database but its original is missing from storage`);
    const entry = imageEntry(id);
    await writeFile(path.join(staging, entry), bytes, { flag: 'wx' });
    files[entry] = { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
  }
  const manifest: Manifest = {
    format: formatName,
    formatVersion,
    schemaVersion,
    createdAt: now.toISOString(),
    appVersion,
    tables,
    images: imageIds.length,
    files,
  };
  await writeFile(path.join(staging, manifestEntry), `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx' });
  return manifest;
}

/** Deletes all but the newest `keep` archives (names sort by time); other files in the store are left alone. */
async function prune(store: ArchiveStore, keep: number): Promise<string[]> {
  const archives = (await store.list()).filter(isArchiveName).sort();
  const old = archives.slice(0, Math.max(0, archives.length - keep));
  for (const name of old) await store.remove(name);
  return old;
}

export const appVersion: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
