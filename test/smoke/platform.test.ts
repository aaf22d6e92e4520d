import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, startEmbeddedPostgres } from '@yeet/db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The README's start path, for real: the web app built by this run's global setup (as
 * `npm start` builds it), `yeet --role all` with no DATABASE_URL (so an embedded
 * PostgreSQL under DATA_DIR), and the pages it serves.
 */
const root = path.resolve(import.meta.dirname, '../..');
const main = path.join(root, 'apps/server/src/main.ts');
const run = promisify(execFile);

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/**
 * startProcess waits up to `startWaitMs` for a start (a first start creates a cluster and seeds
 * the demo; 60 s ran out at load average 20 on two cores), and a test that starts processes
 * gets `startingTimeout`.
 */
const startWaitMs = 120_000;
const startingTimeout = 180_000;

/** Every platform process still running, stopped after the tests even if a test gave up on one. */
const started = new Set<ChildProcess>();

/** Starts `yeet start` and waits for `until` in its log: by default, the line saying it is ready. */
async function startProcess(env: Record<string, string>, args: string[] = [], until = 'Eat or Yeet is ready'): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, [main, 'start', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // its own process group, as a command started from a terminal has
    detached: true,
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + startWaitMs;
  while (!output.includes(until)) {
    if (child.exitCode !== null) throw new Error(`the platform exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`the platform did not start within ${startWaitMs / 1000} s:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url, output: () => output };
}

/**
 * Stops the process as people and orchestrators do: Ctrl-C in a terminal sends SIGINT to the
 * whole foreground process group (which the platform leads here); Kubernetes and `kill`
 * send SIGTERM to the process. Resolves with the exit code.
 */
async function interrupt(p: Running, how: 'ctrl-c' | 'sigterm' = 'ctrl-c'): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => p.child.once('exit', (code) => resolve(code)));
  if (how === 'ctrl-c') ctrlC(p.child);
  else p.child.kill('SIGTERM');
  return exited;
}

function ctrlC(child: ChildProcess): void {
  if (child.pid === undefined) throw new Error('the platform process never started');
  process.kill(-child.pid, 'SIGINT');
}

/** The platform the tests of the embedded database share, started by the first of them. */
function current(): Running {
  if (!running) throw new Error('no platform is running: the test that starts it failed');
  return running;
}

/** The embedded PostgreSQL's process, from the lock file it keeps while it runs. */
function postmasterPid(dir = dataDir): number {
  const [pid = ''] = readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n');
  return Number.parseInt(pid, 10);
}

/** A connection to the embedded PostgreSQL of `dir` (its port from the lock file, its password from DATA_DIR). */
async function connectEmbedded(dir: string): Promise<pg.Client> {
  const port = readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3];
  const password = readFileSync(path.join(dir, 'pg-password'), 'utf8').trim();
  const client = new pg.Client({ host: '127.0.0.1', port: Number(port), user: 'postgres', password, database: 'postgres' });
  await client.connect();
  return client;
}

/** Polls `probe` every 100 ms until it returns true; fails after `ms`. */
async function eventually(what: string, ms: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const readyz = async (url: string) => {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: await res.text() };
};

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Log lines from the signal on that are warnings or worse: PostgreSQL stopping first shows as lost connections. */
const complaintsWhileStopping = (output: string) =>
  output
    .slice(output.indexOf('"shutting down"'))
    .split('\n')
    .filter((line) => /"level":"(warn|error|fatal)"/.test(line));

/** Stops the embedded platform with `how`; everything must end cleanly, PostgreSQL last and included. */
async function expectCleanStop(p: Running, how: 'ctrl-c' | 'sigterm'): Promise<void> {
  const postgres = postmasterPid();
  expect(isAlive(postgres)).toBe(true);
  expect(await interrupt(p, how)).toBe(0);
  expect(p.output()).toMatch(/"shutting down".*"stopped"/s);
  expect(complaintsWhileStopping(p.output())).toEqual([]);
  // the platform waited for PostgreSQL to exit, which leaves no lock file behind
  expect(isAlive(postgres)).toBe(false);
  expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
}

let dataDir: string;
let running: Running | undefined;

beforeAll(async () => {
  expect(existsSync(path.join(root, 'apps/web/dist/server/server.js'))).toBe(true);
  dataDir = await mkdtemp(path.join(tmpdir(), 'yeet-smoke-'));
});

afterAll(async () => {
  await Promise.all(
    [...started].map((child) => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      ctrlC(child);
      return exited;
    }),
  );
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('npm start: --role all on the embedded database', () => {
  it(
    'serves server-rendered pages with the demo recipes',
    async () => {
      // As `npm start` runs it: --build finds this run's build current and leaves it.
      running = await startProcess({ DATA_DIR: dataDir }, ['--build']);
      expect(running.output()).toContain('seeded demo data');
      expect(running.output()).toContain('web app: the build in apps/web/dist is current');

      const home = await fetch(`${running.url}/`);
      expect(home.status).toBe(200);
      const homeHtml = await home.text();
      expect(homeHtml).toContain('Newest recipes');
      const slugs = [...homeHtml.matchAll(/href="\/r\/([a-z0-9-]+)"/g)].map((m) => m[1]);
      expect(slugs.length).toBeGreaterThanOrEqual(8);

      const recipePage = await fetch(`${running.url}/r/cacio-e-pepe`);
      expect(recipePage.status).toBe(200);
      const html = await recipePage.text();
      // in the HTML itself, not filled in later by JavaScript
      expect(html).toContain('<h1>Cacio e Pepe</h1>');
      expect(html).toContain('Pecorino');
      expect(html).toMatch(/<title>Cacio e Pepe — Eat or Yeet<\/title>/);
      // shared links: structured data and a preview card, in the first response
      expect(html).toContain('<script type="application/ld+json">{"@context":"https://schema.org","@type":"Recipe"');
      expect(html).toContain('<meta property="og:title" content="Cacio e Pepe"');

      expect((await fetch(`${running.url}/r/no-such-recipe`)).status).toBe(404);

      const api = await fetch(`${running.url}/api/yeet.v1.RecipeService/ListRecipes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(((await api.json()) as { recipes: unknown[] }).recipes).toHaveLength(20);
    },
    startingTimeout,
  );

  it('stops on Ctrl-C, PostgreSQL included, even with a keep-alive connection open', async () => {
    await fetch(`${current().url}/healthz`, { keepalive: true });
    const started = Date.now();
    await expectCleanStop(current(), 'ctrl-c');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it(
    'reuses the data on the next start: no new cluster, no second seeding',
    async () => {
      running = await startProcess({ DATA_DIR: dataDir });
      expect(running.output()).toContain('"created":false');
      expect(running.output()).not.toContain('seeded demo data');
      const res = await fetch(`${running.url}/api/yeet.v1.RecipeService/GetRecipe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ slug: 'cacio-e-pepe-2' }),
      });
      expect(res.status).toBe(404);
    },
    startingTimeout,
  );

  it('stops on SIGTERM the same way', async () => {
    await expectCleanStop(current(), 'sigterm');
  });

  it(
    'stops the same way on a Ctrl-C during start-up, as soon as it has started',
    async () => {
      const starting = await startProcess({ DATA_DIR: dataDir }, [], 'embedded PostgreSQL is running');
      await expectCleanStop(starting, 'ctrl-c');
      expect(starting.output()).toMatch(/"shutting down".*"Eat or Yeet is ready".*"stopped"/s);
    },
    startingTimeout,
  );
});

describe('the web role on its own', () => {
  it(
    'renders a clear 503 page, not a crash, when the API is unreachable',
    async () => {
      const deadApi = await freePort();
      const web = await startProcess(
        { API_URL: `http://127.0.0.1:${deadApi}`, SESSION_SECRET: 'smoke-test-session-secret-0123456789abcdef' },
        ['--role', 'web'],
      );
      try {
        const res = await fetch(`${web.url}/r/cacio-e-pepe`);
        expect(res.status).toBe(503);
        const html = await res.text();
        expect(html).toContain('The kitchen is closed for a moment');
        expect(html).toContain('Eat or Yeet'); // the layout and navigation are still there
        expect(html).not.toContain(String(deadApi)); // internals stay out of the page
        expect((await fetch(`${web.url}/`)).status).toBe(503);
      } finally {
        await interrupt(web);
      }
    },
    startingTimeout,
  );
});

describe('the web role with a hanging API', () => {
  it(
    'answers 503 with the degraded page once the API call times out',
    async () => {
      // accepts connections and never answers
      const sockets: Socket[] = [];
      const hang = createServer((socket) => void sockets.push(socket));
      await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
      const port = (hang.address() as AddressInfo).port;
      const web = await startProcess(
        { API_URL: `http://127.0.0.1:${port}`, SESSION_SECRET: 'smoke-test-session-secret-0123456789abcdef' },
        ['--role', 'web'],
      );
      try {
        const started = Date.now();
        const res = await fetch(`${web.url}/r/cacio-e-pepe`);
        expect(res.status).toBe(503);
        expect(await res.text()).toContain('The kitchen is closed for a moment');
        expect(Date.now() - started).toBeLessThan(10_000);
      } finally {
        await interrupt(web);
        for (const s of sockets) s.destroy();
        hang.close();
      }
    },
    startingTimeout,
  );
});

describe('configuration errors', () => {
  it('stop the process with a message naming the variable', async () => {
    const result = await run(process.execPath, [main, 'start'], {
      cwd: root,
      env: { ...process.env, PORT: 'eighty', ROLE: 'chef' },
    }).catch((e: { code: number; stderr: string }) => e);
    expect('code' in result && result.code).toBe(2);
    expect((result as { stderr: string }).stderr).toContain('PORT="eighty": must be a port number');
    expect((result as { stderr: string }).stderr).toContain('ROLE="chef"');
  });
});

describe('when the embedded PostgreSQL dies', () => {
  const scratch = () => mkdtemp(path.join(tmpdir(), 'yeet-smoke-kill-'));

  it(
    'restarts it and recovers by itself: ready again, RPCs answer, the listener and the worker resume',
    async () => {
      const dir = await scratch();
      const p = await startProcess({ DATA_DIR: dir, SEED_DEMO: 'never' });
      try {
        expect((await readyz(p.url)).status).toBe(200);
        const killed = postmasterPid(dir);
        process.kill(killed, 'SIGKILL');
        const killedAt = Date.now();
        // Down, it says so without internals; alive, it keeps saying so.
        let down = { status: 0, body: '' };
        await eventually('not ready', 5_000, async () => {
          down = await readyz(p.url);
          return down.status === 503;
        });
        expect(JSON.parse(down.body)).toEqual({ status: 'unavailable', checks: { database: 'unavailable', search_index: 'ok' } });
        expect((await fetch(`${p.url}/healthz`)).status).toBe(200);

        await eventually('ready again', 15_000, async () => (await readyz(p.url)).status === 200);
        expect(Date.now() - killedAt).toBeLessThan(15_000);
        expect(postmasterPid(dir)).not.toBe(killed);
        expect(p.output()).toContain('"embedded PostgreSQL exited; restarting it"');
        expect(p.output()).toContain('"embedded PostgreSQL restarted"');
        const list = await fetch(`${p.url}/api/yeet.v1.RecipeService/ListRecipes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        expect(list.status).toBe(200);

        const db = await connectEmbedded(dir);
        try {
          // The search-change listener is connected again, LISTENing.
          await eventually('the listener back', 15_000, async () => {
            const { rows } = await db.query("select 1 from pg_stat_activity where application_name = 'eat-or-yeet-listener'");
            return rows.length === 1;
          });
          // The worker runs jobs again.
          const { rows } = await db.query<{ id: string }>("select id from graphile_worker.add_job('search.reconcile')");
          const [job] = rows;
          await eventually('the job done', 15_000, async () => {
            const left = await db.query('select 1 from graphile_worker.jobs where id = $1', [job?.id]);
            return left.rows.length === 0;
          });
        } finally {
          await db.end();
        }
        expect(await interrupt(p)).toBe(0);
      } finally {
        if (p.child.exitCode === null) await interrupt(p);
        await rm(dir, { recursive: true, force: true });
      }
    },
    startingTimeout,
  );

  it(
    'exits with status 1, for a supervisor to restart it, when it cannot be restarted',
    async () => {
      const dir = await scratch();
      const p = await startProcess({ DATA_DIR: dir, SEED_DEMO: 'never' });
      try {
        const exited = new Promise<number | null>((resolve) => p.child.once('exit', (code) => resolve(code)));
        // The cluster is gone: PostgreSQL refuses a data directory without PG_VERSION.
        await rm(path.join(dir, 'pg', 'PG_VERSION'));
        process.kill(postmasterPid(dir), 'SIGKILL');
        expect(await exited).toBe(1);
        expect(p.output()).toContain('did not restart after 5 attempts');
        expect(p.output()).toMatch(/"level":"fatal".*cannot recover by itself/);
      } finally {
        if (p.child.exitCode === null) await interrupt(p);
        await rm(dir, { recursive: true, force: true });
      }
    },
    startingTimeout,
  );
});

describe('with DATABASE_URL, a lost database', () => {
  it(
    'is a readiness problem: 503 naming the check while it is away, alive all along, ready again once it is back',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'yeet-smoke-external-'));
      const port = await freePort();
      let database = await startEmbeddedPostgres({ dataDir: dir, port });
      try {
        const p = await startProcess({ DATABASE_URL: database.url, SEED_DEMO: 'never' }, ['--role', 'api']);
        try {
          expect((await readyz(p.url)).status).toBe(200);
          await database.stop();
          for (let i = 0; i < 5; i++) {
            const down = await readyz(p.url);
            expect(down.status).toBe(503);
            expect(JSON.parse(down.body)).toEqual({
              status: 'unavailable',
              checks: { database: 'unavailable', search_index: 'ok' },
            });
            expect((await fetch(`${p.url}/healthz`)).status).toBe(200);
          }
          // The details are in the log, once, not in the answer.
          const failed = p
            .output()
            .split('\n')
            .filter((l) => l.includes('readiness check failed'));
          expect(failed).toHaveLength(1);
          expect(failed[0]).toMatch(new RegExp(`ECONNREFUSED 127.0.0.1:${port}|terminating connection`));
          // Nor is each failed probe a request line at error level.
          expect(p.output()).not.toMatch(/"level":"error".*"url":"\/readyz"/);

          database = await startEmbeddedPostgres({ dataDir: dir, port });
          await eventually('ready again', 10_000, async () => (await readyz(p.url)).status === 200);
          // The log line goes out through the child's stdout pipe, not with the HTTP answer, so
          // it may land a moment after the 200.
          await eventually('logged as passing again', 5_000, async () => p.output().includes('readiness check passes again'));
          expect(p.child.exitCode).toBeNull();
        } finally {
          await interrupt(p);
        }
      } finally {
        await database.stop();
        await rm(dir, { recursive: true, force: true });
      }
    },
    startingTimeout,
  );
});
