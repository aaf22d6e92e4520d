/**
 * Tracing benchmark, one run, side by side: what recording traces costs. The same platform
 * (`--role all`, the page cache off so every page is rendered and calls the API) runs as a
 * child process in four ways, since the SDK is process-wide:
 *  - none: the platform without the tracing module at all, as before tracing existed;
 *  - off:  as `yeet start` runs it with no OTEL_* variables (the SDK is not loaded);
 *  - on:   with OTEL_EXPORTER_OTLP_ENDPOINT at a receiver in another process (OTLP/HTTP
 *          protobuf, the default batch settings, every request sampled);
 *  - sampled: the same, with one request in ten sampled (OTEL_TRACES_SAMPLER=parentbased_traceidratio).
 * All four run at once; the load goes to one at a time in short slices, taking turns for
 * `--rounds` rounds, so that a busy neighbour's bursts (on a shared machine they move a
 * platform's CPU time per request by up to 2×, for seconds at a time) fall on every mode
 * alike. Each slice is measured for GetRecipe (Connect JSON) and the recipe page; a mode's
 * figure is the median over its slices, and its cost against another is the median of the
 * per-round ratios (paired within a round). Beside req/s, the platform's CPU time per
 * request (from /proc): what the neighbours move much less than req/s, and what throughput
 * on a core of its own follows.
 *
 *   npm run bench:tracing [-- --seconds 3 --rounds 8] [--profile DIR]
 *
 * Uses DATABASE_URL when set (a database it may fill), else an embedded PostgreSQL kept
 * under .data/bench. Needs the production web build (`npm run build`).
 */
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Options as LoadOptions } from 'autocannon';

type Mode = 'none' | 'off' | 'on' | 'sampled';
const child = process.env.BENCH_TRACING_CHILD as Mode | 'receiver' | undefined;

if (child === 'receiver') {
  // The collector, in a process of its own so that it takes no time from the load generator:
  // accepts every export and counts it; GET answers the counts so far.
  const http = await import('node:http');
  let exports = 0;
  let bytes = 0;
  const receiver = http.createServer((req, res) => {
    if (req.method === 'GET') return res.end(JSON.stringify({ exports, bytes }));
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      exports += 1;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  receiver.listen(0, '127.0.0.1', () => console.log(`receiver on ${(receiver.address() as { port: number }).port}`));
  process.once('SIGTERM', () => process.exit(0));
} else if (child) {
  // The platform, loaded after the tracing module as main.ts loads it (or without it, for "none").
  if (child !== 'none') await import('../apps/server/src/tracing.ts');
  const { createLogger, loadConfig } = await import('@yeet/platform');
  const { startPlatform } = await import('../apps/server/src/platform.ts');
  const config = loadConfig(process.env);
  const platform = await startPlatform(config, createLogger({ level: config.logLevel }));
  process.once('SIGTERM', async () => {
    await platform.stop();
    if (child !== 'none') await (await import('../apps/server/src/tracing.ts')).stopTracing();
    process.exit(0);
  });
  console.log('bench platform ready');
} else {
  await bench();
}

async function bench(): Promise<void> {
  const { existsSync, readFileSync } = await import('node:fs');
  const { default: autocannon } = await import('autocannon');
  const { freePort } = await import('@yeet/db');
  const { default: pg } = await import('pg');
  const { benchDatabase } = await import('./database.ts');
  const { table } = await import('./stats.ts');

  const { values: args } = parseArgs({
    options: {
      seconds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '8' },
      // A CPU profile of each platform (<dir>/<mode>-*.cpuprofile), to see where a mode's time goes.
      profile: { type: 'string' },
    },
  });
  const seconds = Number(args.seconds);
  const connections = Number(args.connections);
  const rounds = Number(args.rounds);
  const slug = 'cacio-e-pepe';
  const root = path.resolve(import.meta.dirname, '..');
  if (!existsSync(path.join(root, 'apps/web/dist/server/server.js'))) throw new Error('Build the web app first: npm run build');

  const receiver = spawn(process.execPath, [path.join(root, 'bench/tracing.ts')], {
    env: { ...process.env, BENCH_TRACING_CHILD: 'receiver' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const collector = await new Promise<string>((resolve) =>
    receiver.stdout.on('data', (d: Buffer) => {
      const port = /receiver on (\d+)/.exec(String(d))?.[1];
      if (port) resolve(`http://127.0.0.1:${port}`);
    }),
  );
  // Also when the bench fails half-way: no collector left behind.
  process.once('exit', () => receiver.kill('SIGTERM'));
  const received = async () => (await (await fetch(collector)).json()) as { exports: number; bytes: number };

  const database = await benchDatabase('yeet_bench_tracing');
  let seed = database.fresh;
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));

  async function start(mode: Mode): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const profile = args.profile
      ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`, `--cpu-prof-name=${mode}-\${pid}.cpuprofile`]
      : [];
    const proc = spawn(process.execPath, [...profile, path.join(root, 'bench/tracing.ts'), 'start'], {
      env: {
        ...inherited,
        BENCH_TRACING_CHILD: mode,
        NODE_ENV: 'production',
        ROLE: 'all',
        PORT: String(port),
        PUBLIC_URL: url,
        DATABASE_URL: database.url,
        SEED_DEMO: seed ? 'always' : 'never',
        SESSION_SECRET: 'bench-tracing-session-secret-0123456789',
        PAGE_CACHE_SIZE: '0',
        // What is measured is tracing: no refusals from the rate limits or the bound on work in progress.
        RATE_LIMIT_ANONYMOUS: '0',
        RATE_LIMIT_PERSON: '0',
        HTTP_CONCURRENCY: '0',
        LOG_LEVEL: 'error',
        ...(mode === 'on' || mode === 'sampled' ? { OTEL_EXPORTER_OTLP_ENDPOINT: collector } : {}),
        ...(mode === 'sampled' ? { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' } : {}),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on('data', (d: Buffer) => String(d).includes('bench platform ready') && resolve());
      proc.once('exit', (code) => reject(new Error(`the ${mode} platform exited (${code})`)));
    });
    // The demo's index and image jobs would run during the first measurements: let the worker finish them.
    if (seed) await drained(database.url);
    seed = false;
    return {
      url,
      pid: proc.pid!,
      stop: () =>
        new Promise<void>((resolve) => {
          proc.removeAllListeners('exit');
          const kill = setTimeout(() => proc.kill('SIGKILL'), 15_000);
          proc.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          proc.kill('SIGTERM');
        }),
    };
  }

  async function drained(url: string): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const due = `select count(*)::int as n from graphile_worker.jobs where run_at <= now() and attempts < max_attempts`;
    while ((await client.query<{ n: number }>(due)).rows[0]!.n > 0) await new Promise((r) => setTimeout(r, 500));
    await client.end();
  }

  // CPU time the platform process spent, from /proc (clock ticks): on a machine shared with
  // other work, CPU per request measures the cost steadier than req/s, which the neighbours move.
  const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  const cpuSeconds = (pid: number) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  };
  interface Sample {
    rps: number;
    /** Milliseconds of the platform's CPU per request. */
    cpu: number;
    /** Bytes exported per request (tracing on). */
    exported: number;
  }
  const measure = async (pid: number, options: LoadOptions, duration: number): Promise<Sample> => {
    const cpuBefore = cpuSeconds(pid);
    const bytesBefore = (await received()).bytes;
    const result = await autocannon({ ...options, connections, workers: 1, duration });
    if (result.non2xx || result.errors)
      throw new Error(`${options.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    const requests = result.requests.total;
    return {
      rps: result.requests.average,
      cpu: ((cpuSeconds(pid) - cpuBefore) * 1000) / requests,
      exported: ((await received()).bytes - bytesBefore) / requests,
    };
  };
  const modes: Mode[] = ['none', 'off', 'on', 'sampled'];
  type What = 'rpc' | 'page';
  const samples: Record<Mode, Record<What, Sample[]>> = {
    none: { rpc: [], page: [] },
    off: { rpc: [], page: [] },
    on: { rpc: [], page: [] },
    sampled: { rpc: [], page: [] },
  };
  // One at a time, so that only the first one seeds the database.
  const platforms = {} as Record<Mode, Awaited<ReturnType<typeof start>>>;
  try {
    for (const mode of modes) platforms[mode] = await start(mode);
    const targets = (url: string): Record<What, LoadOptions> => ({
      rpc: {
        url: `${url}/api/yeet.v1.RecipeService/GetRecipe`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ slug }),
      },
      page: { url: `${url}/r/${slug}` },
    });
    // Warm up each (JIT, pools), then the measured slices, the modes taking turns.
    for (const mode of modes) {
      for (const what of ['rpc', 'page'] as const) await measure(platforms[mode].pid, targets(platforms[mode].url)[what], 2);
    }
    for (let round = 0; round < rounds; round++) {
      console.error(`round ${round + 1} of ${rounds}`);
      for (const what of ['rpc', 'page'] as const) {
        for (const mode of modes) {
          samples[mode][what].push(await measure(platforms[mode].pid, targets(platforms[mode].url)[what], seconds));
        }
      }
    }
  } finally {
    await Promise.all(Object.values(platforms).map((platform) => platform.stop()));
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const m = (mode: Mode, what: What, field: keyof Sample) => median(samples[mode][what].map((x) => x[field]));
  const percent = (x: number) => `${(x * 100).toFixed(1)} %`;
  // Throughput lost: by req/s directly, and as CPU per request implies (rps ∝ 1 / CPU per request);
  // both from the ratios of the same round (the slices next to each other), the median over rounds.
  const pairedCost = (mode: Mode, base: Mode, what: What, field: 'rps' | 'cpu') => {
    const ratios = samples[mode][what].map((sample, round) =>
      field === 'rps' ? sample.rps / samples[base][what][round]!.rps : samples[base][what][round]!.cpu / sample.cpu,
    );
    return percent(1 - median(ratios));
  };
  const rpsCost = (mode: Mode, base: Mode, what: What) => pairedCost(mode, base, what, 'rps');
  const cpuCost = (mode: Mode, base: Mode, what: What) => pairedCost(mode, base, what, 'cpu');
  console.log(
    `\nTracing benchmark — ${connections} connections, the four platforms taking turns in ${seconds} s slices, ${rounds} rounds (medians; costs from the per-round ratios)`,
  );
  console.log(
    table(
      ['', 'GetRecipe req/s', 'CPU ms/req', 'page req/s', 'CPU ms/req'],
      [
        ...modes.map((mode) => [
          {
            none: 'none (no tracing module)',
            off: 'off (no OTEL_* variables)',
            on: 'on (exporting every span)',
            sampled: 'on, one request in ten sampled',
          }[mode],
          m(mode, 'rpc', 'rps'),
          m(mode, 'rpc', 'cpu'),
          m(mode, 'page', 'rps'),
          m(mode, 'page', 'cpu'),
        ]),
        [
          'throughput cost, off vs none (target ≤ 2 %)',
          rpsCost('off', 'none', 'rpc'),
          cpuCost('off', 'none', 'rpc'),
          rpsCost('off', 'none', 'page'),
          cpuCost('off', 'none', 'page'),
        ],
        [
          'throughput cost, on vs off (≤ 10 %, page ≤ 15 %)',
          rpsCost('on', 'off', 'rpc'),
          cpuCost('on', 'off', 'rpc'),
          rpsCost('on', 'off', 'page'),
          cpuCost('on', 'off', 'page'),
        ],
        [
          'throughput cost, sampled 10 % vs off',
          rpsCost('sampled', 'off', 'rpc'),
          cpuCost('sampled', 'off', 'rpc'),
          rpsCost('sampled', 'off', 'page'),
          cpuCost('sampled', 'off', 'page'),
        ],
      ],
    ),
  );
  const rounded = (xs: Sample[], field: keyof Sample) => xs.map((x) => x[field].toFixed(field === 'rps' ? 0 : 2)).join(',');
  for (const mode of modes) {
    const { rpc, page } = samples[mode];
    console.log(
      `${mode}: GetRecipe req/s ${rounded(rpc, 'rps')} ms ${rounded(rpc, 'cpu')}; page req/s ${rounded(page, 'rps')} ms ${rounded(page, 'cpu')}`,
    );
  }
  const { exports, bytes } = await received();
  console.log(
    `the receiver took ${exports} exports, ${(bytes / 1e6).toFixed(1)} MB: ${m('on', 'rpc', 'exported').toFixed(0)} bytes per GetRecipe, ${m('on', 'page', 'exported').toFixed(0)} per page`,
  );

  receiver.kill('SIGTERM');
  await database.stop();
}
