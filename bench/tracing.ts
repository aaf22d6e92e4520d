/**
 * Tracing benchmark, one run, side by side: what recording traces costs, and that having the
 * tracing module with tracing off costs nothing. The same platform (`--role all`, the page
 * cache off so every page is rendered and calls the API) runs as a child process in each way,
 * since the SDK is process-wide:
 *  - none:    the platform without the tracing module at all, as before tracing existed;
 *  - control: a second "none", for an A/A comparison: what the bench reads as a cost when
 *             there is none, i.e. its own noise;
 *  - off:     as `yeet start` runs it with no OTEL_* variables (the SDK is not loaded);
 *  - on:      with OTEL_EXPORTER_OTLP_ENDPOINT at a receiver in another process (OTLP/HTTP
 *             protobuf, the default batch settings, every request sampled);
 *  - sampled: the same, one trace in ten (OTEL_TRACES_SAMPLER=parentbased_traceidratio).
 *
 * All five are loaded at the same time, each by its own connections, for a short slice, one
 * slice of GetRecipe (Connect JSON) and one of the recipe page per round, for `--rounds`
 * rounds. On this shared machine a neighbour's burst moves a platform's CPU time per request
 * by up to 2× for seconds at a time: loaded at the same moment, every platform meets the same
 * burst, and their ratios keep little of it; and every platform is busy exactly as often
 * (an idle process lets V8 shrink its heap and its caches go cold). What pairing in time
 * cannot remove is a gap between processes: two platforms of the same code have settled
 * 5–15 % apart for a whole run on this shared 2-core machine (the A/A line), more than the
 * 2 % target, so a verdict on 2 % needs a run whose A/A line is near 0. The measure is CPU
 * time per request of each platform (process.cpuUsage() of the child, microseconds, threads
 * included), what throughput on a core of its own follows; req/s is beside it. A cost is 1 − the
 * median of the per-slice ratios, with a 95 % bootstrap interval of that median. The A/A
 * line shows what the bench reads when the truth is 0; a verdict widens a cost's interval
 * by it, and a target is met when all of that is under it.
 *
 * That A/A gap (3–12 % here) hides a 2 % verdict on "off", so "off" is also bounded another
 * way, free of it: a platform with tracing off runs, per request, the code of one without
 * the tracing module plus at most the calls of @opentelemetry/api with no SDK behind them
 * (our spans: observe() starts one per RPC, controller and store call; nothing else of
 * tracing runs: no hook, no instrumentation, no log mixin field). Those calls are timed here,
 * in this process, which has no SDK either, as many as a request makes, and set against the
 * CPU time per request of "none": an upper bound on what "off" costs, with no second process
 * to differ by.
 *
 *   npm run bench:tracing [-- --seconds 1 --rounds 40] [--generations 1] [--alone] [--profile DIR]
 *
 * Uses DATABASE_URL when set (a database it may fill), else an embedded PostgreSQL kept
 * under .data/bench. Needs the production web build (`npm run build`).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Options as LoadOptions } from 'autocannon';

/** How a platform runs (see above); "control" runs as "none". */
type Kind = 'none' | 'off' | 'on' | 'sampled';
type Name = Kind | 'control';
const child = process.env.BENCH_TRACING_CHILD as Kind | 'receiver' | undefined;

if (child === 'receiver') {
  // The collector, in a process of its own so that it takes no time from the load generator:
  // accepts every export and counts its bytes by the path's first segment (one per platform);
  // GET answers the counts so far.
  const http = await import('node:http');
  const bytes: Record<string, number> = {};
  const receiver = http.createServer((req, res) => {
    if (req.method === 'GET') return res.end(JSON.stringify(bytes));
    const from = req.url?.split('/')[1] ?? '';
    req.on('data', (chunk: Buffer) => (bytes[from] = (bytes[from] ?? 0) + chunk.length));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
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
  // The CPU time this process has used (all its threads, microseconds), asked for over IPC
  // before and after each slice: finer than /proc's 10 ms ticks.
  process.on('message', () => {
    const { user, system } = process.cpuUsage();
    process.send?.(user + system);
  });
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
  const { default: autocannon } = await import('autocannon');
  const { freePort } = await import('@yeet/db');
  const { default: pg } = await import('pg');
  const { benchDatabase } = await import('./database.ts');
  const { table } = await import('./stats.ts');

  const { values: args } = parseArgs({
    options: {
      seconds: { type: 'string', default: '1' },
      connections: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '40' },
      // A CPU profile of each platform (<dir>/<name>-*.cpuprofile), to see where a mode's time goes.
      profile: { type: 'string' },
      // Each platform loaded by itself in turn within a round, not all at once (see slice()).
      alone: { type: 'boolean', default: false },
      // Fresh processes this many times, each time started in another order (see below).
      generations: { type: 'string', default: '1' },
    },
  });
  const seconds = Number(args.seconds);
  const connections = Number(args.connections);
  const rounds = Number(args.rounds);
  const generations = Number(args.generations);
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
  const received = async () => (await (await fetch(collector)).json()) as Record<string, number>;

  const database = await benchDatabase('yeet_bench_tracing');
  let seed = database.fresh;
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));

  interface Platform {
    name: Name;
    url: string;
    /** CPU seconds the process has used so far. */
    cpu: () => Promise<number>;
    stop: () => Promise<void>;
  }

  async function start(name: Name): Promise<Platform> {
    const kind: Kind = name === 'control' ? 'none' : name;
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const profile = args.profile
      ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`, `--cpu-prof-name=${name}-\${pid}.cpuprofile`]
      : [];
    const proc = spawn(process.execPath, [...profile, path.join(root, 'bench/tracing.ts'), 'start'], {
      env: {
        ...inherited,
        BENCH_TRACING_CHILD: kind,
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
        // Each exporting platform under a path of its own, so the receiver counts their bytes apart.
        ...(kind === 'on' || kind === 'sampled' ? { OTEL_EXPORTER_OTLP_ENDPOINT: `${collector}/${name}` } : {}),
        ...(kind === 'sampled' ? { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' } : {}),
      },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      proc.stdout?.on('data', (d: Buffer) => String(d).includes('bench platform ready') && resolve());
      proc.once('exit', (code) => reject(new Error(`the ${name} platform exited (${code})`)));
    });
    // The demo's index and image jobs would run during the first measurements: let the worker finish them.
    if (seed) await drained(database.url);
    seed = false;
    return {
      name,
      url,
      cpu: () =>
        new Promise<number>((resolve) => {
          proc.once('message', (micros) => resolve(Number(micros) / 1e6));
          proc.send('cpu');
        }),
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

  type What = 'rpc' | 'page';
  const targets = (url: string): Record<What, LoadOptions> => ({
    rpc: {
      url: `${url}/api/yeet.v1.RecipeService/GetRecipe`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ slug }),
    },
    page: { url: `${url}/r/${slug}` },
  });
  interface Sample {
    rps: number;
    /** Milliseconds of the platform's CPU per request. */
    cpu: number;
    requests: number;
  }
  /**
   * Enough requests in a slice for its CPU time per request to mean something: a slice
   * of a few requests is mostly a garbage collection or a neighbour's burst. On a busy
   * machine, a slice goes on (another `seconds`) until each platform has served this many.
   */
  const fewestRequests: Record<What, number> = { rpc: 200, page: 40 };
  /**
   * Loads the platforms for one slice: at the same time, or with --alone one after another,
   * each with the machine to itself. Five platforms loaded at once on two cores serve each
   * request in about twice the CPU time one does alone (caches and memory shared, the load
   * generator and the database busy for five): a cost read there is the cost under that
   * contention. Alone, a platform's CPU time per request is what its throughput follows when
   * it has a core, as the targets mean it; consecutive slices are seconds apart, so a
   * neighbour's burst falls on one platform more than another, and rotating the order each
   * round spreads that over all of them.
   */
  async function slice(pair: Platform[], what: What, duration: number): Promise<Sample[]> {
    if (!args.alone || pair.length === 1) return sliceTogether(pair, what, duration);
    const samples: Sample[] = [];
    for (const platform of pair) samples.push(...(await sliceTogether([platform], what, duration)));
    return samples;
  }

  /** The load generators run in this thread (no worker threads), so all start in the same tick. */
  async function sliceTogether(pair: Platform[], what: What, duration: number): Promise<Sample[]> {
    const before = await Promise.all(pair.map((p) => p.cpu()));
    const requests = pair.map(() => 0);
    let elapsed = 0;
    while (Math.min(...requests) < fewestRequests[what]) {
      const results = await Promise.all(pair.map((p) => autocannon({ ...targets(p.url)[what], connections, duration })));
      results.forEach((result, i) => {
        if (result.non2xx || result.errors)
          throw new Error(`${pair[i]!.name} ${what}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
        requests[i]! += result.requests.total;
      });
      elapsed += duration;
    }
    const after = await Promise.all(pair.map((p) => p.cpu()));
    return pair.map((_, i) => ({
      rps: requests[i]! / elapsed,
      cpu: ((after[i]! - before[i]!) * 1000) / requests[i]!,
      requests: requests[i]!,
    }));
  }

  /** A comparison: `mode` against `base`, its target (a cost at most this). */
  interface Comparison {
    mode: Name;
    base: Name;
    label: string;
    target: Record<What, number>;
    /** Per slice: [mode's sample, base's sample, the generation of processes it came from]. */
    slices: Record<What, Array<[Sample, Sample, number]>>;
  }
  const comparison = (mode: Name, base: Name, label: string, target: Record<What, number>): Comparison => ({
    mode,
    base,
    label,
    target,
    slices: { rpc: [], page: [] },
  });
  const comparisons = [
    comparison('off', 'none', 'off vs none', { rpc: 0.02, page: 0.02 }),
    comparison('control', 'none', 'A/A: none vs none (the bench’s noise; truth 0)', { rpc: 0, page: 0 }),
    comparison('on', 'off', 'on vs off', { rpc: 0.1, page: 0.15 }),
    comparison('sampled', 'off', 'sampled 10 % vs off', { rpc: Number.NaN, page: Number.NaN }),
  ];
  const names: Name[] = ['none', 'control', 'off', 'on', 'sampled'];
  /** Each platform's measured slices. */
  const measured = Object.fromEntries(names.map((name) => [name, { rpc: [], page: [] }])) as unknown as Record<
    Name,
    Record<What, Sample[]>
  >;
  /** Bytes exported while measured (about: the exporter sends batches every few seconds). */
  const exportedBytes = { on: 0, sampled: 0 };
  /**
   * A process keeps its own speed for its lifetime (JIT decisions, heap and code layout): two
   * platforms of the same code have settled 5–25 % apart for a whole run here, and in two runs
   * with the start order reversed the platform started last was the cheapest in both. One
   * generation is one draw of five processes; with --generations N the five are stopped and
   * started again N times, the start order rotated each time, so each mode's figure spans
   * several processes and the interval below resamples whole generations as well as slices.
   */
  const startedAt = Date.now();
  for (let generation = 0; generation < generations; generation++) {
    if (generations > 1) console.error(`generation ${generation + 1} of ${generations}`);
    const startOrder = names.map((_, i) => names[(i + generation) % names.length]!);
    // One at a time, so that only the first one seeds the database.
    const platforms = {} as Record<Name, Platform>;
    try {
      for (const name of startOrder) platforms[name] = await start(name);
      // Warm up each (JIT, pools) alone, by a number of requests rather than a time: on a busy
      // machine a few seconds serve too few for V8 to settle, and a platform still warming up
      // reads as costlier than one that is not. Then one round of all together, discarded.
      for (const name of names) {
        for (const [what, amount] of [
          ['rpc', 3000],
          ['page', 800],
        ] as const) {
          await autocannon({ ...targets(platforms[name].url)[what], connections, amount });
        }
      }
      for (const what of ['rpc', 'page'] as const)
        await slice(
          names.map((name) => platforms[name]),
          what,
          seconds,
        );
      const exportedBefore = await received();
      for (let round = 0; round < rounds; round++) {
        if (round % 5 === 0) console.error(`round ${round + 1} of ${rounds}`);
        for (const what of ['rpc', 'page'] as const) {
          // The load generators start in turn within a tick: who starts first rotates.
          const order = names.map((_, i) => names[(i + round) % names.length]!);
          const samples = await slice(
            order.map((name) => platforms[name]),
            what,
            seconds,
          );
          const of = (name: Name) => samples[order.indexOf(name)]!;
          for (const c of comparisons) c.slices[what].push([of(c.mode), of(c.base), generation]);
          for (const name of names) measured[name][what].push(of(name));
        }
      }
      const exportedAfter = await received();
      for (const name of ['on', 'sampled'] as const) {
        exportedBytes[name] += (exportedAfter[name] ?? 0) - (exportedBefore[name] ?? 0);
      }
    } finally {
      await Promise.all(Object.values(platforms).map((platform) => platform.stop()));
    }
  }

  /**
   * Microseconds of CPU per request that the tracing API takes with no SDK registered, for
   * `spans` of our spans, each made as observe() makes it (packages/platform/src/instrument.ts:
   * look for the request's span in the active context, start an active span with its kind and
   * attributes, end it), and as many looks for a recording span as a SQL statement makes
   * (packages/db/src/trace.ts; a request runs no more statements than it has spans of ours).
   * The best of a few runs: what the calls cost, not what a neighbour took.
   */
  const { context: otelContext, createContextKey, SpanKind, trace } = await import('@opentelemetry/api');
  const noopTracer = trace.getTracer('eat-or-yeet');
  const requestKey = createContextKey('bench request span');
  const offPath = (spans: number): number => {
    const calls = 100_000;
    const run = () => {
      for (let i = 0; i < calls; i++) {
        otelContext.active().getValue(requestKey);
        noopTracer.startActiveSpan(
          'RecipeStore.get',
          { kind: SpanKind.INTERNAL, attributes: { 'code.layer': 'store' } },
          (span) => span.end(),
        );
        trace.getSpan(otelContext.active())?.isRecording();
      }
    };
    let best = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 7; attempt++) {
      const before = process.cpuUsage();
      run();
      const used = process.cpuUsage(before);
      best = Math.min(best, (used.user + used.system) / calls);
    }
    return best * spans;
  };
  /** Our spans per request, as the "on" platform records them (test/observability/tracing.test.ts): GetRecipe is the RPC, its controller and its store call; the page makes two RPCs (GetRecipe, ListRatings), each with its controller, and three store calls. */
  const spansPerRequest: Record<What, number> = { rpc: 3, page: 7 };

  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length / 2;
    return sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  // A 95 % percentile-bootstrap interval of the median, from a seeded generator: the same
  // slices give the same interval. With several generations of processes, each resample draws
  // whole generations, then slices within each: a gap between processes widens the interval
  // instead of hiding in it.
  const bootstrap = (groups: number[][]): [number, number] => {
    let state = 0x9e3779b9;
    const random = () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const draw = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
    const medians = Array.from({ length: 4000 }, () => {
      const drawn = groups.length === 1 ? groups : groups.map(() => draw(groups));
      return median(drawn.flatMap((xs) => xs.map(() => draw(xs))));
    });
    medians.sort((a, b) => a - b);
    return [medians[Math.floor(0.025 * medians.length)]!, medians[Math.floor(0.975 * medians.length)]!];
  };
  const percent = (x: number) => `${(x * 100).toFixed(1)} %`;
  // The cost as throughput lost: from CPU per request (rps ∝ 1 / CPU per request) or from req/s.
  const cost = (c: Comparison, what: What, field: 'cpu' | 'rps') => {
    const byGeneration: number[][] = Array.from({ length: generations }, () => []);
    for (const [mode, base, generation] of c.slices[what]) {
      byGeneration[generation]!.push(field === 'cpu' ? base.cpu / mode.cpu : mode.rps / base.rps);
    }
    const [low, high] = bootstrap(byGeneration);
    return { cost: 1 - median(byGeneration.flat()), low: 1 - high, high: 1 - low };
  };
  // Two processes of the same code can settle a few percent apart (memory layout, what V8
  // optimised), and a neighbour can favour one core: the A/A line measures that on the
  // machine at hand. A verdict widens a cost's interval by the A/A's farthest bound, so a
  // cost is "met" only if it would be met by a gap between two identical processes too.
  const control = comparisons.find((c) => c.mode === 'control')!;
  const verdict = (c: Comparison, what: What, interval: { low: number; high: number }) => {
    const target = c.target[what];
    if (Number.isNaN(target)) return '';
    if (c === control) return interval.low <= 0 && interval.high >= 0 ? 'contains 0' : 'excludes 0: a gap between processes';
    const aa = cost(control, what, 'cpu');
    const slack = Math.max(Math.abs(aa.low), Math.abs(aa.high));
    const [low, high] = [interval.low - slack, interval.high + slack];
    const widened = `with the A/A ±${percent(slack)}: [${percent(low)}, ${percent(high)}]`;
    if (high <= target) return `met (≤ ${percent(target)}) ${widened}`;
    if (low > target) return `NOT met (> ${percent(target)}) ${widened}`;
    return `not resolved (target ${percent(target)}) ${widened}`;
  };
  const minutes = ((Date.now() - startedAt) / 60_000).toFixed(1);
  console.log(
    `\nTracing benchmark — the five platforms loaded ${args.alone ? 'each alone in turn' : 'at the same time'}, ${connections} connections each, ${seconds} s slices, ${rounds} rounds × ${generations} generation(s) of processes (${minutes} min)`,
  );
  console.log('cost = throughput lost, 1 − median of the per-slice ratios; [95 % bootstrap interval of the median]');
  console.log(
    table(
      ['', 'target', 'CPU/req cost', '95 % interval', 'req/s cost', '95 % interval', 'verdict (by CPU/req)'],
      comparisons.flatMap((c) =>
        (['rpc', 'page'] as const).map((what) => {
          const cpu = cost(c, what, 'cpu');
          const rps = cost(c, what, 'rps');
          return [
            `${c.label}, ${what === 'rpc' ? 'GetRecipe' : 'recipe page'}`,
            Number.isNaN(c.target[what]) ? '' : percent(c.target[what]),
            percent(cpu.cost),
            `[${percent(cpu.low)}, ${percent(cpu.high)}]`,
            percent(rps.cost),
            `[${percent(rps.low)}, ${percent(rps.high)}]`,
            verdict(c, what, cpu),
          ];
        }),
      ),
    ),
  );
  console.log(
    '\nmedians of each platform over its slices (CPU ms per request; req/s while sharing the machine with the others):',
  );
  console.log(
    table(
      ['', 'GetRecipe CPU ms', 'req/s', 'page CPU ms', 'req/s'],
      names.map((name) => {
        const mine = (what: What) => measured[name][what];
        return [
          name,
          median(mine('rpc').map((x) => x.cpu)).toFixed(3),
          median(mine('rpc').map((x) => x.rps)).toFixed(0),
          median(mine('page').map((x) => x.cpu)).toFixed(3),
          median(mine('page').map((x) => x.rps)).toFixed(0),
        ];
      }),
    ),
  );
  for (const c of comparisons) {
    for (const what of ['rpc', 'page'] as const) {
      const ratios = c.slices[what].map(([mode, base]) => (base.cpu / mode.cpu).toFixed(3));
      console.log(`${c.label}, ${what}: CPU ratios base/mode per slice ${ratios.join(' ')}`);
    }
  }
  console.log(
    '\n"off" bounded in-process (the tracing API with no SDK, as many spans as a request makes, over none\'s CPU per request):',
  );
  console.log(
    table(
      ['', 'target', 'spans', 'API µs/req', 'none CPU µs/req', 'bound on the cost', 'verdict'],
      (['rpc', 'page'] as const).map((what) => {
        const micros = offPath(spansPerRequest[what]);
        const none = median(measured.none[what].map((x) => x.cpu)) * 1000;
        const bound = micros / none;
        return [
          `off vs none, ${what === 'rpc' ? 'GetRecipe' : 'recipe page'}`,
          percent(0.02),
          String(spansPerRequest[what]),
          micros.toFixed(2),
          none.toFixed(0),
          `≤ ${(bound * 100).toFixed(2)} %`,
          bound <= 0.02 ? 'met (≤ 2.0 %)' : 'NOT shown',
        ];
      }),
    ),
  );
  const exported = Object.fromEntries(
    (['on', 'sampled'] as const).map((name) => {
      const requests = [...measured[name].rpc, ...measured[name].page].reduce((sum, x) => sum + x.requests, 0);
      return [name, exportedBytes[name] / requests];
    }),
  ) as Record<'on' | 'sampled', number>;
  console.log(
    `exported: ${exported.on.toFixed(0)} bytes per request with every trace sampled, ${exported.sampled.toFixed(0)} with one in ten (GetRecipe and page requests together)`,
  );

  receiver.kill('SIGTERM');
  await database.stop();
}
