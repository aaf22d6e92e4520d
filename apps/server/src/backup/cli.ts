import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createStorage } from '@yeet/api';
import type { Config } from '@yeet/platform';
import { sayData } from '../cli-platform.ts';
import { createBackup } from './backup.ts';
import { BackupError } from './format.ts';
import { archiveStore, openDatabaseFor } from './index.ts';
import { restoreBackup } from './restore.ts';

/** `yeet backup [--to <dir|s3://bucket/prefix>]`: one archive, to the configured place or `to`. */
export async function backupCommand(config: Config, to: string | undefined): Promise<number> {
  sayData(config);
  const database = await openDatabaseFor(config, 'backup');
  try {
    const result = await createBackup(
      { db: database.handle.db, storage: createStorage(config.images) },
      archiveStore(config, to),
    );
    if (!result) {
      console.error('Another backup of this database is running; try again when it has finished.');
      return 1;
    }
    const { manifest } = result;
    const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
    console.log(`Backup written: ${result.location}`);
    console.log(
      `  schema ${manifest.schemaVersion}, ${rows} rows in ${manifest.tables.length} tables, ${manifest.images} images`,
    );
    console.log("  It holds password hashes and the platform's secrets: keep it as safe as the database.");
    return 0;
  } catch (error) {
    if (error instanceof BackupError) {
      console.error(`Backup failed: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}

/** `yeet restore <archive> [--replace]`: a local file, or s3://bucket/key. */
export async function restoreCommand(config: Config, archive: string, replace: boolean): Promise<number> {
  sayData(config);
  const downloads = await mkdtemp(path.join(os.tmpdir(), 'yeet-restore-download-'));
  try {
    let file = path.resolve(archive);
    if (archive.startsWith('s3://')) {
      const name = path.posix.basename(archive);
      file = path.join(downloads, name);
      await archiveStore(config, path.posix.dirname(archive)).fetch(name, file);
    }
    const database = await openDatabaseFor(config, 'restore');
    try {
      const result = await restoreBackup({ db: database.handle.db, storage: createStorage(config.images) }, file, { replace });
      const { manifest } = result;
      console.log(
        `Restored ${archive} (taken ${manifest.createdAt} by Eat or Yeet ${manifest.appVersion}, schema ${manifest.schemaVersion}).`,
      );
      console.log(
        `  ${manifest.tables.map((t) => `${t.name}: ${t.rows}`).join(', ')}; ${manifest.images} images. ` +
          `Search index rebuilt (${result.reindexed} published recipes)` +
          (result.upgradedBy.length ? `; schema upgraded by ${result.upgradedBy.join(', ')}.` : '.'),
      );
      return 0;
    } finally {
      await database.close();
    }
  } catch (error) {
    if (error instanceof BackupError) {
      console.error(`Restore refused: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await rm(downloads, { recursive: true, force: true });
  }
}
