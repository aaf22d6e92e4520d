import { execFileSync } from 'node:child_process';
import { chmod, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadRequest } from './drivers.ts';
import { type Cast, catalogue, rpc } from './fixtures.ts';
import { type PlatformProcess, postgresProcesses } from './platform.ts';
import { longest, probe, statusMix } from './probe.ts';

export const faultNames = ['pg-pause', 'pg-kill', 'worker-kill', 'api-kill', 'redis-down', 'image-cache'] as const;
export type FaultName = (typeof faultNames)[number];

/** One thing a fault must leave true, beside what was measured. */
export interface Hold {
  fault: string;
  what: string;
  measured: string;
  ok: boolean;
}

export interface FaultContext {
  /** The `--role all` process under test (replaced when a fault made it exit). */
  all(): PlatformProcess;
  /** Starts the `--role all` process again on the same data (after a fault it did not survive). */
  restart(): Promise<void>;
  /** Its DATA_DIR: the embedded cluster is in <dataDir>/pg, the image cache in <dataDir>/img-cache. */
  dataDir: string;
  cast: Cast;
  slugs: string[];
  /** The suite's own Redis, when the platform runs with REDIS_URL. */
  redis: { url: string; kill(): Promise<void>; start(): Promise<void> } | null;
  log(message: string): void;
}

/**
 * A request's database wait is bounded by DATABASE_QUERY_TIMEOUT_MS (5 s by default): the
 * client gives up 1 s after the server's statement_timeout, and then fails every statement at
 * once until the server answers again (packages/db/src/connect.ts). The bound is those 6 s plus
 * half a second for the rest of the request's work on a loaded machine.
 */
export const databaseWaitBoundMs = 5_000 + 1_500;

const ms = (n: number) => `${Math.round(n)} ms`;

/** Reads that need the database each time: GetRecipe over Connect JSON, anonymous, by slug in turn. */
const reads =
  (slugs: string[]) =>
  (i: number): LoadRequest => ({
    method: 'POST',
    path: '/api/yeet.v1.RecipeService/GetRecipe',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.${(i >> 8) & 255}.${i & 255}` },
    body: JSON.stringify({ slug: slugs[i % slugs.length] }),
  });

function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone already
    }
  }
}

/**
 * PostgreSQL paused for `pauseMs` (SIGSTOP to the postmaster and every backend of the suite's
 * own embedded cluster, then SIGCONT): a hung database, not a dead one — connections stay
 * open and nothing answers. Must hold: no request waits longer than the configured bounds,
 * and service recovers by itself within 2 s of SIGCONT.
 */
export async function pgPause(ctx: FaultContext, pauseMs = 20_000): Promise<Hold[]> {
  const fault = `pg-pause (${pauseMs / 1000} s)`;
  const cluster = path.join(ctx.dataDir, 'pg');
  const stop = new AbortController();
  const running = probe(ctx.all().url, reads(ctx.slugs), { concurrency: 8, timeoutMs: pauseMs + 20_000, stop: stop.signal });
  await sleep(2_000);
  const pids = await postgresProcesses(cluster);
  if (!pids.length) {
    stop.abort();
    await running;
    return [{ fault, what: 'the embedded cluster is found', measured: `no postmaster.pid in ${cluster}`, ok: false }];
  }
  const paused = performance.now();
  signalAll(pids, 'SIGSTOP');
  ctx.log(`paused ${pids.length} PostgreSQL processes`);
  try {
    await sleep(pauseMs);
  } finally {
    // Resumed whatever happens: the postmaster cannot fork while stopped, so the set is the same.
    signalAll([...new Set([...pids, ...(await postgresProcesses(cluster))])], 'SIGCONT');
  }
  const resumed = performance.now();
  ctx.log('resumed PostgreSQL');
  await sleep(6_000);
  stop.abort();
  const samples = await running;
  const during = samples.filter((s) => s.end > paused && s.start < resumed);
  const after = samples.filter((s) => s.start >= resumed + 2_000);
  const firstOk = samples.find((s) => s.start >= resumed && s.status === 200);
  const slowest = longest(during);
  return [
    {
      fault,
      what: `requests fail fast: none in the pause waits > ${ms(databaseWaitBoundMs)} (DATABASE_QUERY_TIMEOUT_MS 5 s + 1 s client margin)`,
      measured: `longest ${ms(slowest)}; ${statusMix(during)}`,
      ok: during.length > 0 && slowest <= databaseWaitBoundMs,
    },
    {
      fault,
      what: 'recovers by itself within 2 s of SIGCONT: every request started after that is served',
      measured: `first 200 ${firstOk ? ms(firstOk.end - resumed) : 'never'} after SIGCONT; after +2 s: ${statusMix(after)}`,
      ok: after.length > 0 && after.every((s) => s.status === 200),
    },
    { fault, what: 'the platform process stays up', measured: alive(ctx.all()) ? 'running' : 'exited', ok: alive(ctx.all()) },
  ];
}

const alive = (p: PlatformProcess) => p.child.exitCode === null && p.child.signalCode === null;

/**
 * PostgreSQL killed (SIGKILL to the postmaster and every backend, as a crash or the OOM killer
 * of a container would): the platform restarts its embedded server, or — when it cannot —
 * exits non-zero for its supervisor (apps/server/src/database.ts). Never up and useless.
 */
export async function pgKill(ctx: FaultContext): Promise<Hold[]> {
  const fault = 'pg-kill';
  const cluster = path.join(ctx.dataDir, 'pg');
  const platform = ctx.all();
  const stop = new AbortController();
  const running = probe(platform.url, reads(ctx.slugs), { concurrency: 4, timeoutMs: 20_000, stop: stop.signal });
  await sleep(1_000);
  const pids = await postgresProcesses(cluster);
  const killed = performance.now();
  signalAll(pids, 'SIGKILL');
  ctx.log(`killed ${pids.length} PostgreSQL processes`);
  // Up to 30 s for one of the two outcomes.
  let recoveredAt: number | null = null;
  const deadline = killed + 30_000;
  while (performance.now() < deadline && alive(platform) && recoveredAt === null) {
    const ok = await rpc(platform.url, 'RecipeService/GetRecipe', { slug: ctx.slugs[0] }).then(
      () => true,
      () => false,
    );
    if (ok) recoveredAt = performance.now();
    else await sleep(100);
  }
  if (recoveredAt !== null) await sleep(3_000);
  stop.abort();
  const samples = await running;
  if (!alive(platform)) {
    const { code, signal } = await platform.exited;
    ctx.log(`the platform exited (${code ?? signal}); starting it again for the next faults`);
    await ctx.restart();
    return [
      {
        fault,
        what: 'the platform restarts PostgreSQL or exits non-zero',
        measured: `exited with ${code ?? signal}`,
        ok: code !== 0 && code !== null,
      },
    ];
  }
  const after = recoveredAt === null ? [] : samples.filter((s) => s.start >= recoveredAt! + 500);
  return [
    {
      fault,
      what: 'the platform restarts PostgreSQL or exits non-zero (within 30 s)',
      measured:
        recoveredAt === null
          ? 'neither: still running and not serving after 30 s'
          : `serving again ${ms(recoveredAt - killed)} after the kill`,
      ok: recoveredAt !== null,
    },
    {
      fault,
      what: 'once serving again, every request is served (reconnected pool)',
      measured: statusMix(after),
      ok: after.length > 0 && after.every((s) => s.status === 200),
    },
  ];
}

/**
 * The image cache directory unwritable (mode 0500, and immutable when running as root, whom
 * the mode does not stop): renders that are not cached yet are still served, only not kept.
 */
export async function imageCache(ctx: FaultContext): Promise<Hold[]> {
  const fault = 'image-cache';
  const dir = path.join(ctx.dataDir, 'img-cache');
  const urls: string[] = [];
  // Recipes the suite wrote have no photos: look through the catalogue for eight that do (the demo's).
  let withCovers = 0;
  for (const slug of await catalogue(ctx.all().url, 100)) {
    if (withCovers >= 8) break;
    const { recipe } = await rpc<{ recipe: { coverImage?: { variants?: Array<{ url: string }> } } }>(
      ctx.all().url,
      'RecipeService/GetRecipe',
      { slug },
    );
    const variants = recipe.coverImage?.variants ?? [];
    if (variants.length) withCovers += 1;
    for (const v of variants) urls.push(new URL(v.url, ctx.all().url).href);
  }
  if (!urls.length) return [{ fault, what: 'recipes have images to render', measured: 'no cover image variants', ok: false }];
  // Nothing cached: every request below is a render that would be written to the cache.
  for (const entry of await readdir(dir).catch(() => [])) await rm(path.join(dir, entry), { recursive: true, force: true });
  const asRoot = os.userInfo().uid === 0;
  await chmod(dir, 0o500);
  if (asRoot) execFileSync('chattr', ['+i', dir]);
  let writable = true;
  await writeFile(path.join(dir, 'probe'), 'x').then(
    () => rm(path.join(dir, 'probe')),
    () => {
      writable = false;
    },
  );
  const results: Array<{ status: number; type: string }> = [];
  try {
    const accepts = ['image/avif,image/webp,*/*', 'image/webp,*/*', 'image/jpeg,*/*'];
    const jobs = urls.flatMap((url) => accepts.map((accept) => ({ url, accept })));
    let next = 0;
    const loop = async () => {
      while (next < jobs.length) {
        const { url, accept } = jobs[next++]!;
        const res = await fetch(url, { headers: { accept }, signal: AbortSignal.timeout(30_000) }).catch(() => null);
        await res?.arrayBuffer();
        results.push({ status: res?.status ?? 0, type: res?.headers.get('content-type') ?? '' });
      }
    };
    await Promise.all(Array.from({ length: 4 }, loop));
  } finally {
    if (asRoot) execFileSync('chattr', ['-i', dir]);
    await chmod(dir, 0o755);
  }
  const served = results.filter((r) => r.status === 200 && r.type.startsWith('image/')).length;
  const mix = [...new Set(results.map((r) => r.status))]
    .map((s) => `${s}×${results.filter((r) => r.status === s).length}`)
    .join(', ');
  return [
    {
      fault,
      what: `the cache directory is really unwritable (0500${asRoot ? ' + chattr +i, as root' : ''})`,
      measured: writable ? 'a write went through' : 'writes refused',
      ok: !writable,
    },
    {
      fault,
      what: 'every render is still served (200 image/*)',
      measured: `${served}/${results.length}; ${mix}`,
      ok: served === results.length,
    },
  ];
}

/**
 * Redis down while REDIS_URL is configured (the suite's own redis-server, killed): rate limits
 * fail open or closed as decided per class, but never with a 5xx.
 */
export async function redisDown(ctx: FaultContext): Promise<Hold[]> {
  const fault = 'redis-down';
  if (!ctx.redis) {
    return [
      {
        fault,
        what: 'run with --redis (the suite starts its own redis-server)',
        measured: 'skipped: no Redis configured',
        ok: true,
      },
    ];
  }
  const base = ctx.all().url;
  const reader = ctx.cast.readers[0]!;
  const assistant = ctx.cast.assistants[0]!;
  const mixed = (i: number): LoadRequest => {
    const kind = i % 4;
    const xff = { 'x-forwarded-for': `10.8.${(i >> 8) & 255}.${i & 255}` };
    if (kind === 0) return { method: 'GET', path: `/r/${ctx.slugs[i % ctx.slugs.length]}`, headers: xff };
    if (kind === 1)
      return {
        method: 'POST',
        path: '/api/yeet.v1.SearchService/SearchRecipes',
        headers: { ...xff, 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'chicken' }),
      };
    if (kind === 2)
      return {
        method: 'POST',
        path: '/api/yeet.v1.UserService/GetMe',
        headers: { ...xff, 'content-type': 'application/json', authorization: `Bearer ${reader.tokens.access_token}` },
        body: '{}',
      };
    return {
      method: 'POST',
      path: '/mcp',
      headers: {
        ...xff,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${assistant.tokens.access_token}`,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: i,
        method: 'tools/call',
        params: { name: 'get_recipe', arguments: { recipe: ctx.slugs[0] } },
      }),
    };
  };
  const stop = new AbortController();
  const running = probe(base, mixed, { concurrency: 4, timeoutMs: 15_000, stop: stop.signal });
  await sleep(1_000);
  const down = performance.now();
  await ctx.redis.kill();
  await sleep(6_000);
  const up = performance.now();
  await ctx.redis.start();
  await sleep(4_000);
  stop.abort();
  const samples = await running;
  const before = samples.filter((s) => s.start < down);
  const during = samples.filter((s) => s.start >= down && s.start < up);
  const after = samples.filter((s) => s.start >= up + 2_000);
  const fiveHundreds = during.filter((s) => s.status >= 500 && s.status !== 503);
  return [
    {
      fault,
      what: 'while Redis is down: never a 5xx (limits fail open or closed)',
      measured: `${statusMix(during)} (before the kill: ${statusMix(before)})`,
      ok: during.length > 0 && fiveHundreds.length === 0 && during.every((s) => s.status !== 0),
    },
    {
      fault,
      what: 'Redis back: every request is served again within 2 s',
      measured: statusMix(after),
      ok: after.length > 0 && after.every((s) => s.status === 200),
    },
  ];
}
