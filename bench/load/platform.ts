import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@yeet/db';

export const root = path.resolve(import.meta.dirname, '../..');
const main = path.join(root, 'apps/server/src/main.ts');

/** A process of the platform under test: `node apps/server/src/main.ts start --role <role>`. */
export interface PlatformProcess {
  role: string;
  url: string;
  port: number;
  child: ChildProcess;
  env: Record<string, string>;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after 15 s. */
  stop(): Promise<void>;
}

export function assertWebBuilt(): void {
  if (!existsSync(path.join(root, 'apps/web/dist/server/server.js'))) throw new Error('Build the web app first: npm run build');
}

/** glibc's settings as `npm start` and the image start node (docs/decisions/0026-memory-budget.md, 0048): read before the app runs. */
export const glibcAsShipped = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '1048576' };

/**
 * Starts one process of the platform in a child process, so that the load generator never
 * shares its event loop, and waits until /readyz answers 200. The environment is exactly
 * `env` (plus PATH and HOME) over the memory settings the image starts with: nothing leaks in
 * from the caller's, DATABASE_URL least of all. A variable given as '' is left out (e.g.
 * `MALLOC_ARENA_MAX: ''` for glibc's own default).
 */
export async function startProcess(role: string, env: Record<string, string>, readyMs = 120_000): Promise<PlatformProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const full: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    // As `npm start` and the image run it (docs/decisions/0026-memory-budget.md).
    ...glibcAsShipped,
    NODE_OPTIONS: '--max-semi-space-size=8',
    ...env,
    PORT: String(port),
  };
  for (const [name, value] of Object.entries(full)) if (value === '') delete full[name];
  const child = spawn(process.execPath, [main, 'start', '--role', role], {
    cwd: root,
    env: full,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (d: Buffer) => {
    output += d;
    // Keep the tail only: a long run must not grow the generator's memory.
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  const proc: PlatformProcess = {
    role,
    url,
    port,
    child,
    env: full,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
      if (!done) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  // Nothing started here may outlive the generator.
  process.once('exit', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  await waitReady(proc, readyMs);
  return proc;
}

/** GET /readyz until 200; fails early if the process exits. Resolves with the milliseconds it took. */
export async function waitReady(p: PlatformProcess, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) {
      throw new Error(`the ${p.role} process exited (${p.child.exitCode ?? p.child.signalCode}):\n${p.output().slice(-4_000)}`);
    }
    const status = await fetch(`${p.url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return Date.now() - started;
    if (Date.now() - started > timeoutMs)
      throw new Error(`the ${p.role} process was not ready within ${timeoutMs} ms:\n${p.output().slice(-4_000)}`);
    await sleep(100);
  }
}

/** Resident memory of a process in bytes (VmRSS in /proc/<pid>/status); null once it is gone. */
export async function rss(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  const kb = status && /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : null;
}

/**
 * Samples a process's RSS every `everyMs` until stopped: the peak, the phase of the run
 * (`phase(name)`, e.g. a scenario) it was seen in, and each phase's own peak.
 */
export function sampleRss(pid: () => number | undefined, everyMs = 250) {
  let peak = 0;
  let peakPhase = 'start-up';
  let phase = 'start-up';
  let samples = 0;
  let stopped = false;
  const phases = new Map<string, { peak: number; last: number; samples: number }>();
  /** One sample, counted in the phase `at` that was current when it was asked for. */
  const take = async (at: string) => {
    const id = pid();
    const bytes = id ? await rss(id) : null;
    if (bytes === null) return;
    samples += 1;
    if (bytes > peak) {
      peak = bytes;
      peakPhase = at;
    }
    const p = phases.get(at) ?? { peak: 0, last: 0, samples: 0 };
    p.peak = Math.max(p.peak, bytes);
    p.last = bytes;
    p.samples += 1;
    phases.set(at, p);
  };
  const starts: Array<Promise<void>> = [];
  const loop = (async () => {
    while (!stopped) {
      await take(phase);
      await sleep(everyMs);
    }
  })();
  return {
    get peak() {
      return peak;
    },
    get peakPhase() {
      return peakPhase;
    },
    get samples() {
      return samples;
    },
    /** Each phase's peak and its last sample (at its end), in the order the phases ran. */
    get phases(): ReadonlyMap<string, { peak: number; last: number; samples: number }> {
      return phases;
    },
    phase(name: string) {
      phase = name;
      // A sample as it starts: a phase shorter than the period (editors that run out of drafts) is judged too.
      starts.push(take(name));
    },
    async stop() {
      stopped = true;
      await Promise.all([loop, ...starts]);
    },
  };
}

/**
 * The PostgreSQL processes of the cluster in `clusterDir`: the postmaster (first line of its
 * postmaster.pid) and every process whose parent it is (backends, checkpointer, walwriter…).
 * Only ever this suite's own cluster: the PIDs come from that cluster's own pid file.
 */
export async function postgresProcesses(clusterDir: string): Promise<number[]> {
  const pidFile = await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => null);
  const postmaster = Number.parseInt(pidFile?.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(postmaster) || postmaster <= 0) return [];
  const pids = [postmaster];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …; comm may hold spaces, so split after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === postmaster) pids.push(Number(entry));
  }
  return pids;
}

/**
 * Waits until the platform's job queue has nothing due (yeet_job_queue_ready on /metrics is
 * 0 twice in a row): the demo's image and index jobs of a first start would otherwise run
 * during the first measurements. Resolves with the milliseconds it took.
 */
export async function queueDrained(url: string, timeoutMs = 180_000): Promise<number> {
  const started = Date.now();
  let quiet = 0;
  while (Date.now() - started < timeoutMs) {
    const text = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) }).then(
      (r) => (r.ok ? r.text() : ''),
      () => '',
    );
    const ready = /^yeet_job_queue_ready(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1];
    if (ready === undefined) throw new Error(`${url}/metrics has no yeet_job_queue_ready`);
    quiet = ready === '0' ? quiet + 1 : 0;
    if (quiet >= 2) return Date.now() - started;
    await sleep(500);
  }
  throw new Error(`jobs were still due after ${timeoutMs} ms`);
}
