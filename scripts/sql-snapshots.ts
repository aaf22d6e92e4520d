import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTestDatabase, startTestServer } from '@yeet/db/testing';
import { renderSqlSnapshots, snapshotDir } from './sql-snapshots.render.ts';

/**
 * `npm run sql:snapshots`: writes queries/*.sql from a fresh migrated database (a throwaway
 * one on DATABASE_URL's server, else on an embedded PostgreSQL), removing files of stores
 * that no longer exist.
 */
const server = await startTestServer();
try {
  const database = await createTestDatabase(server);
  try {
    const files = await renderSqlSnapshots(database.url);
    await mkdir(snapshotDir, { recursive: true });
    for (const old of await readdir(snapshotDir)) {
      if (old.endsWith('.sql') && !files.has(old)) await rm(path.join(snapshotDir, old));
    }
    for (const [name, text] of files) await writeFile(path.join(snapshotDir, name), text);
    console.log(`wrote ${files.size} files to ${path.relative(process.cwd(), snapshotDir)}/`);
  } finally {
    await database.drop();
  }
} finally {
  await server.stop();
}
