/**
 * Tracing benchmark, one run, side by side: what recording traces costs. The same platform
 * (`--role all`, the page cache off so every page is rendered and calls the API) runs as a
 * child process in three ways, since the SDK is process-wide:
 *  - none: the platform without the tracing module at all, as before tracing existed;
 *  - off:  as `yeet start` runs it with no OTEL_* variables (the SDK is not loaded);
 *  - on:   with OTEL_EXPORTER_OTLP_ENDPOINT at a receiver in this process (OTLP/HTTP
 *          protobuf, the default batch settings, every request sampled).
 * Each is measured for GetRecipe (Connect JSON) and the recipe page; the three take turns
 * for `--rounds` rounds, and the median of each is reported, so drift on a shared machine
 * falls on all of them alike.
 *
 *   npm run bench:tracing [-- --seconds 5 --rounds 3]
 *
 * Uses DATABASE_URL when set (a database it may fill), else an embedded PostgreSQL kept
 * under .data/bench. Needs the production web build (`npm run build`).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Options as LoadOptions } from 'autocannon';

type Mode = 'none' | 'off' | 'on';
const child = process.env.BENCH_TRACING_CHILD as Mode | undefined;

if (child) {
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
  const { existsSync } = await import('node:fs');
  const http = await import('node:http');
  const { default: autocannon } = await import('autocannon');
  const { freePort } = await import('@yeet/db');
  const { default: pg } = await import('pg');
  const { benchDatabase } = await import('./database.ts');
  const { table } = await import('./stats.ts');

  const { values: args } = parseArgs({
    options: {
      seconds: { type: 'string', default: '5' },
      connections: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
    },
  });
  const seconds = Number(args.seconds);
  const connections = Number(args.connections);
  const rounds = Number(args.rounds);
  const slug = 'cacio-e-pepe';
  const root = path.resolve(import.meta.dirname, '..');
  if (!existsSync(path.join(root, 'apps/web/dist/server/server.js'))) throw new Error('Build the web app first: npm run build');

  // The collector: takes every export and counts it, as a real one would accept it.
  let exports = 0;
  let exportedBytes = 0;
  const receiver = http.createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (exportedBytes += chunk.length));
    req.on('end', () => {
      exports += 1;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const collector = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;

  const database = await benchDatabase('yeet_bench_tracing');
  let seed = database.fresh;
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));

  async function start(mode: Mode): Promise<{ url: string; stop: () => Promise<void> }> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const proc = spawn(process.execPath, [path.join(root, 'bench/tracing.ts'), 'start'], {
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
        LOG_LEVEL: 'error',
        ...(mode === 'on' ? { OTEL_EXPORTER_OTLP_ENDPOINT: collector } : {}),
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

  const load = async (options: LoadOptions) => {
    await autocannon({ ...options, connections, workers: 1, duration: 2 }); // warm up (JIT, pools)
    const result = await autocannon({ ...options, connections, workers: 1, duration: seconds });
    if (result.non2xx || result.errors)
      throw new Error(`${options.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    return result.requests.average;
  };
  const modes: Mode[] = ['none', 'off', 'on'];
  const rps: Record<Mode, { rpc: number[]; page: number[] }> = {
    none: { rpc: [], page: [] },
    off: { rpc: [], page: [] },
    on: { rpc: [], page: [] },
  };
  for (let round = 0; round < rounds; round++) {
    for (const mode of modes) {
      console.error(`round ${round + 1}: ${mode}`);
      const platform = await start(mode);
      try {
        rps[mode].rpc.push(
          await load({
            url: `${platform.url}/api/yeet.v1.RecipeService/GetRecipe`,
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ slug }),
          }),
        );
        rps[mode].page.push(await load({ url: `${platform.url}/r/${slug}` }));
      } finally {
        await platform.stop();
      }
    }
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const m = (mode: Mode, what: 'rpc' | 'page') => median(rps[mode][what]);
  const cost = (mode: Mode, base: Mode, what: 'rpc' | 'page') => `${((1 - m(mode, what) / m(base, what)) * 100).toFixed(1)} %`;
  console.log(
    `\nTracing benchmark — ${connections} connections, ${seconds} s per measurement, median of ${rounds} rounds (req/s)`,
  );
  console.log(
    table(
      ['', 'GetRecipe', 'recipe page'],
      [
        ['none (no tracing module)', m('none', 'rpc'), m('none', 'page')],
        ['off (no OTEL_* variables)', m('off', 'rpc'), m('off', 'page')],
        ['on (exporting every span)', m('on', 'rpc'), m('on', 'page')],
        ['cost of off vs none (target ≤ 2 %)', cost('off', 'none', 'rpc'), cost('off', 'none', 'page')],
        ['cost of on vs off (targets ≤ 10 %, ≤ 15 %)', cost('on', 'off', 'rpc'), cost('on', 'off', 'page')],
      ],
    ),
  );
  console.log(
    `every round: ${modes.map((mode) => `${mode} ${rps[mode].rpc.map(Math.round)} / ${rps[mode].page.map(Math.round)}`).join('; ')}`,
  );
  console.log(`the receiver took ${exports} exports, ${(exportedBytes / 1e6).toFixed(1)} MB`);

  await new Promise((resolve) => receiver.close(resolve));
  await database.stop();
}
