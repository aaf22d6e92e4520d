import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createStorage, type ScheduledBackup } from '@yeet/api';
import { connectDatabase, type DatabaseHandle, startEmbeddedPostgres } from '@yeet/db';
import { type ArchiveStore, DirectoryArchives, S3Archives } from '@yeet/media';
import type { BackupConfig, Config } from '@yeet/platform';
import { createBackup } from './backup.ts';
import { BackupError } from './format.ts';
import type { AnyDb } from './tables.ts';

export { createBackup, type BackupResult } from './backup.ts';
export { BackupError, type Manifest } from './format.ts';
export { restoreBackup, type RestoreResult } from './restore.ts';

/** The configured store, or the one `--to` names: a directory, or s3://bucket/prefix (reached as BACKUP_S3_* would be). */
export function archiveStore(config: Pick<Config, 'backup'>, to?: string): ArchiveStore {
  const target: BackupConfig['target'] = to ? parseTarget(to) : config.backup.target;
  if (target.kind === 'dir') return new DirectoryArchives(target.dir);
  const { region, endpoint, forcePathStyle } = config.backup.s3;
  return new S3Archives({
    bucket: target.bucket,
    prefix: target.prefix,
    region,
    forcePathStyle,
    ...(endpoint ? { endpoint } : {}),
  });
}

function parseTarget(to: string): BackupConfig['target'] {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(to);
  if (!s3) return { kind: 'dir', dir: path.resolve(to) };
  return { kind: 's3', bucket: s3[1] ?? '', prefix: (s3[2] ?? '').replace(/\/+$/, '') };
}

/** The worker's backup task (BACKUP_SCHEDULE), or null when none is scheduled. */
export function scheduledBackup(config: Config, db: AnyDb): ScheduledBackup | null {
  const cron = config.backup.schedule;
  if (!cron) return null;
  const storage = createStorage(config.images);
  const store = archiveStore(config);
  return {
    cron,
    async run(logger) {
      const result = await createBackup({ db, storage }, store, { keep: config.backup.keep });
      if (!result) logger.warn('another backup of this database is running; this one is skipped');
      else logger.info({ location: result.location, removed: result.removed }, 'backup written');
    },
  };
}

/**
 * The database for `yeet backup`/`yeet restore`: DATABASE_URL, or the embedded one under
 * DATA_DIR — the running platform's server when there is one (found through its
 * postmaster.pid), else a server started for the command.
 */
export async function openDatabaseFor(
  config: Config,
  purpose: 'backup' | 'restore',
): Promise<{ handle: DatabaseHandle; close(): Promise<void> }> {
  if (config.database.url) {
    const handle = connectDatabase(config.database.url, { poolMax: 2, applicationName: `yeet ${purpose}` });
    return { handle, close: () => handle.close() };
  }
  const running = await runningEmbeddedPort(config.dataDir);
  if (running !== null) {
    if (purpose === 'restore') {
      throw new BackupError(`Eat or Yeet is running on ${config.dataDir}: stop it before restoring into it`);
    }
    const password = (await readFile(path.join(config.dataDir, 'pg-password'), 'utf8')).trim();
    const handle = connectDatabase(`postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${running}/postgres`, {
      poolMax: 2,
      applicationName: `yeet ${purpose}`,
    });
    return { handle, close: () => handle.close() };
  }
  const server = await startEmbeddedPostgres({ dataDir: config.dataDir, ownProcessGroup: true });
  const handle = connectDatabase(server.url, { poolMax: 2, applicationName: `yeet ${purpose}` });
  return {
    handle,
    close: async () => {
      await handle.close();
      await server.stop();
    },
  };
}

/** The port of a live embedded server on `dataDir` (line 4 of its postmaster.pid), or null. */
async function runningEmbeddedPort(dataDir: string): Promise<number | null> {
  let lines: string[];
  try {
    lines = (await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return null;
  }
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!(pid > 0) || !(port > 0)) return null;
  try {
    process.kill(pid, 0);
    return port;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? port : null;
  }
}
