/**
 * Overload benchmark: many signed-in readers on one recipe page at once, against one
 * `--role all` process (a child process started as `npm start` starts it, memory flags
 * included; the load generator is this process, so it does not share the server's event loop).
 *
 *   node bench/overload.ts [-- --seconds 20 --connections 200 --readers 10]
 *                          [--env HTTP_CONCURRENCY=0 --env …]   settings of one side
 *                                                                (NODE_ARGS="--flag …": node flags of that side)
 *                          [--compare HTTP_CONCURRENCY=0]        a second side, same run
 *                          [--rate 100]                          an open model: req/s offered, not closed-loop
 *                          [--no-js false]                       skip the no-JavaScript readers
 *
 * A signed-in reader is measured as a browser that runs the app's scripts: a page view is
 * the page (the one shared by every signed-in reader, docs/decisions/0033) and then the
 * GetViewer call the page makes for the person's parts, one after the other on the
 * connection (a refused call asked again, a refused page loaded again). Then the same readers without JavaScript (no `yeet_js` cookie: the page
 * rendered for the person, as before), and anonymous visitors (the page cache) as the
 * yardstick that must not drop. Prints, per kind: page views served a second, p50/p99 of
 * served views, refusals (503) and their p99/max latency, other errors, client timeouts,
 * the server's peak RSS; and both request kinds' latencies of a page view. Uses
 * DATABASE_URL when set (a database it may fill), else an embedded PostgreSQL of its own
 * under .data/bench-overload. Needs the production web build (`npm run build`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { freePort, startEmbeddedPostgres } from '@yeet/db';
import { withDatabase } from '@yeet/db/testing';
import pg from 'pg';
import { loadConfig, sessionCookieName, webSessionCodec } from '@yeet/platform';
import { oidcFlow } from '../test/support/oidc.ts';
import { glibcAsShipped } from './load/platform.ts';
import { percentiles, table } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '200' },
    readers: { type: 'string', default: '10' },
    env: { type: 'string', multiple: true, default: [] },
    compare: { type: 'string', multiple: true },
    profile: { type: 'string' },
    rate: { type: 'string' },
    'no-js': { type: 'string', default: 'true' },
  },
});
const seconds = Number(args.seconds);
const connections = Number(args.connections);
const slug = 'cacio-e-pepe';
const sessionSecret = 'bench-overload-session-secret-0123456789abcdef';
const root = path.resolve(import.meta.dirname, '..');
if (!existsSync(path.join(root, 'apps/web/dist/server/server.js'))) throw new Error('Build the web app first: npm run build');

const database = await ownDatabase('yeet_bench_overload');
const envOf = (pairs: string[]) =>
  Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));

/**
 * Like bench/database.ts, but an embedded server of its own (.data/bench-overload): other
 * benches may stop theirs while this one runs.
 */
async function ownDatabase(name: string) {
  let adminUrl = process.env.DATABASE_URL;
  let stop = async () => {};
  if (!adminUrl) {
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(root, '.data/bench-overload'), port: 0 });
    adminUrl = embedded.url;
    stop = embedded.stop;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const fresh = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 0;
  if (fresh) await admin.query(`create database ${name}`);
  await admin.end();
  return { url: withDatabase(adminUrl, name), fresh, stop };
}

/** The server's own view of its memory (its /metrics, prom-client's default metrics), in bytes. */
interface Breakdown {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  newSpace: number;
  oldSpace: number;
}

interface Server {
  url: string;
  child: ChildProcess;
  peakRss: () => number;
  /** The breakdown read closest to the peak (every second, at the highest RSS seen). */
  peakBreakdown: () => Breakdown | null;
  resetPeak: () => void;
  stop: () => Promise<void>;
}

async function breakdown(url: string): Promise<Breakdown | null> {
  const text = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) }).then(
    (r) => (r.ok ? r.text() : ''),
    () => '',
  );
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN);
  if (!text) return null;
  return {
    rss: read('yeet_process_resident_memory_bytes'),
    heapUsed: read('yeet_nodejs_heap_size_used_bytes'),
    heapTotal: read('yeet_nodejs_heap_size_total_bytes'),
    external: read('yeet_nodejs_external_memory_bytes'),
    newSpace: read('yeet_nodejs_heap_space_size_total_bytes\\{space="new"\\}'),
    oldSpace: read('yeet_nodejs_heap_space_size_total_bytes\\{space="old"\\}'),
  };
}

/** `yeet start --role all` as a child process; its RSS sampled every 200 ms. */
async function startServer(extra: Record<string, string>, seed: boolean): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const profile = args.profile ? [`--cpu-prof`, `--cpu-prof-dir=${args.profile}`] : [];
  // --max-semi-space-size and glibc's settings as `npm start` and the image (docs/decisions/0026-memory-budget.md, 0048)
  // NODE_ARGS=… of a side: node flags after npm start's (so they override it), e.g. a V8 flag NODE_OPTIONS refuses.
  const { NODE_ARGS: nodeArgs = '', ...env } = extra;
  const argv = [
    ...profile,
    '--max-semi-space-size=8',
    ...nodeArgs.split(' ').filter(Boolean),
    path.join(root, 'apps/server/src/main.ts'),
    'start',
    '--role',
    'all',
  ];
  const child = spawn(process.execPath, argv, {
    env: {
      ...process.env,
      ...glibcAsShipped,
      NODE_ENV: 'production',
      PORT: String(port),
      PUBLIC_URL: url,
      DATABASE_URL: database.url,
      SEED_DEMO: seed ? 'always' : 'never',
      SESSION_SECRET: sessionSecret,
      // The refusals are the point here, not worth a line each.
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'fatal',
      // Capacity is measured here, not the per-caller rate limits (every reader is one person).
      RATE_LIMIT_ANONYMOUS: '0',
      RATE_LIMIT_PERSON: '0',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (i > 600) throw new Error('the server did not become ready in 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  let peak = 0;
  const sample = () => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kb * 1024);
    } catch {
      // gone
    }
  };
  const timer = setInterval(sample, 200);
  let peakMix: Breakdown | null = null;
  const mix = async () => {
    const b = await breakdown(url);
    if (b && (!peakMix || b.rss > peakMix.rss)) peakMix = b;
  };
  const mixTimer = setInterval(mix, 1_000);
  return {
    url,
    child,
    peakRss: () => peak,
    peakBreakdown: () => peakMix,
    resetPeak: () => {
      peak = 0;
      peakMix = null;
      sample();
    },
    stop: async () => {
      clearInterval(timer);
      clearInterval(mixTimer);
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Signed-in readers: one person signed up at the built-in issuer (sign-ups from one address
 * are limited), in `count` sessions sealed as the web role would.
 */
async function readers(server: Server, count: number): Promise<string[]> {
  const config = loadConfig({ ROLE: 'all', PUBLIC_URL: server.url, SESSION_SECRET: sessionSecret, DATABASE_URL: database.url });
  const flow = oidcFlow(server.url, config, sessionSecret);
  const codec = webSessionCodec(sessionSecret);
  const cookies: string[] = [];
  const run = Date.now().toString(36);
  // Sign-ups from one address are limited per hour, and earlier runs count: this is the bench's own database.
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  await db.query(`do $$ begin if to_regclass('rate_limits') is not null then delete from rate_limits; end if; end $$`);
  await db.end();
  const tokens = await flow.signUp({
    email: `reader-${run}@example.com`,
    password: 'a long enough password',
    displayName: 'Reader',
  });
  for (let i = 0; i < count; i++) {
    const session = {
      id: `bench-${run}-${i}`,
      accessToken: tokens.access_token,
      refreshToken: null,
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    };
    cookies.push(`${sessionCookieName}=${codec.seal(session, 3600)}`);
  }
  return cookies;
}

/** What a browser sends with each request that changes the answer: compressed bodies, the busy page (not JSON) when refused. */
const browser = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8', 'accept-encoding': 'gzip, deflate, br' };

interface Measured {
  /** Page views served a second (with JavaScript: the page and its GetViewer call both 200). */
  rps: number;
  p50: number;
  p99: number;
  refused: number;
  refusedP99: number;
  refusedMax: number;
  /** When each refusal of 100 ms or more came, in seconds from the start of the kind's load. */
  slowRefusalsAt: number[];
  errors: number;
  timeouts: number;
  rss: number;
  breakdown: Breakdown | null;
  /** With JavaScript: each request kind's p50/p99 of served answers. */
  kinds?: { page: { p50: number; p99: number }; viewer: { p50: number; p99: number } };
}

/** A reader's browser: anonymous, signed in without JavaScript, or signed in with it (page, then GetViewer). */
type Reader = { kind: 'anonymous' } | { kind: 'no-js'; cookies: string[] } | { kind: 'js'; cookies: string[]; viewer: string };

/** `rate`: an open model, requests a second offered whatever the answers (else each connection sends as soon as answered). */
async function hammer(server: Server, url: string, reader: Reader, duration: number, rate?: number): Promise<Measured> {
  const views: number[] = [];
  const pages: number[] = [];
  const viewers: number[] = [];
  const refused: number[] = [];
  const slowRefusalsAt: number[] = [];
  let errors = 0;
  let next = 0;
  /**
   * A browser running the app, one per connection: the page, then GetViewer once it is
   * served; a refused call is asked again (the app does, after Retry-After; at once here, as
   * a refused page is), a refused page too. A view's time runs from its page to its answer.
   */
  interface Browser {
    next: 'page' | 'viewer';
    sent: 'page' | 'viewer';
    viewMs: number;
  }
  let last: Browser = { next: 'page', sent: 'page', viewMs: 0 };
  const pagePath = new URL(url).pathname;
  // autocannon clears a request's context each round of its list: a connection's browser lives in its own request
  const browserOn = (client: autocannon.Client) => {
    const state: Browser = { next: 'page', sent: 'page', viewMs: 0 };
    const headers = { ...browser, cookie: `${cookies[next++ % cookies.length]!}; yeet_js=1` };
    client.setRequests([
      {
        method: 'GET',
        headers,
        setupRequest: (req) => {
          state.sent = state.next;
          return { ...req, path: state.sent === 'page' ? pagePath : (reader as { viewer: string }).viewer };
        },
        // called for a response just before its latency is reported ('response' below), synchronously
        onResponse: () => {
          last = state;
        },
      },
    ]);
  };
  server.resetPeak();
  const startedAt = performance.now();
  let instance!: autocannon.Instance;
  const cookies = reader.kind === 'anonymous' ? [] : reader.cookies;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url,
        connections,
        duration,
        timeout: 10,
        headers: browser,
        ...(rate ? { overallRate: rate } : {}),
        // Each connection is one reader's browser: the same cookie on all its requests.
        setupClient: (client) => {
          if (reader.kind === 'no-js') client.setHeaders({ ...browser, cookie: cookies[next++ % cookies.length]! });
          if (reader.kind === 'js') browserOn(client);
        },
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
  instance.on('response', (_client, status: number, _bytes: number, ms: number) => {
    if (status === 503) {
      refused.push(ms);
      if (ms >= 100) slowRefusalsAt.push((performance.now() - startedAt) / 1000);
    } else if (status !== 200) errors++;
    if (reader.kind !== 'js') {
      if (status === 200) views.push(ms);
      return;
    }
    const b = last;
    if (b.sent === 'page') {
      if (status === 200) pages.push(ms);
      b.viewMs = ms;
      b.next = status === 200 ? 'viewer' : 'page';
    } else {
      b.viewMs = (b.viewMs ?? 0) + ms;
      if (status === 200) {
        viewers.push(ms);
        views.push(b.viewMs);
      }
      b.next = status === 503 ? 'viewer' : 'page';
    }
  });
  const result = await finished;
  const v = percentiles(views);
  const r = percentiles(refused);
  const p = percentiles(pages);
  const g = percentiles(viewers);
  return {
    rps: views.length / duration,
    p50: v.p50,
    p99: v.p99,
    refused: refused.length,
    refusedP99: refused.length ? r.p99 : 0,
    refusedMax: refused.reduce((m, x) => Math.max(m, x), 0),
    slowRefusalsAt,
    errors: errors + result.errors - result.timeouts,
    timeouts: result.timeouts,
    rss: server.peakRss(),
    breakdown: server.peakBreakdown(),
    ...(reader.kind === 'js' ? { kinds: { page: { p50: p.p50, p99: p.p99 }, viewer: { p50: g.p50, p99: g.p99 } } } : {}),
  };
}

/** The median time of one reader’s page view when nothing else is going on (as far as this machine allows). */
async function alone(page: string, reader: Reader): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const started = performance.now();
    if (reader.kind === 'js') {
      const cookie = `${reader.cookies[0]!}; yeet_js=1`;
      await (await fetch(page, { headers: { cookie } })).arrayBuffer();
      await (await fetch(new URL(reader.viewer, page), { headers: { cookie } })).arrayBuffer();
    } else {
      await (await fetch(page, { headers: reader.kind === 'no-js' ? { cookie: reader.cookies[0]! } : {} })).arrayBuffer();
    }
    times.push(performance.now() - started);
  }
  return percentiles(times).p50;
}

async function side(extra: Record<string, string>, seed: boolean) {
  const server = await startServer(extra, seed);
  try {
    const cookies = await readers(server, Number(args.readers));
    const page = `${server.url}/r/${slug}`;
    let first = await fetch(page, { headers: { cookie: cookies[0]! } });
    if (first.status !== 200) {
      console.error(`GET ${page} signed in: ${first.status}, trying once more`, (await first.text()).slice(0, 3000));
      first = await fetch(page, { headers: { cookie: cookies[0]! } });
    }
    if (first.status !== 200) throw new Error(`GET ${page} signed in: ${first.status} ${(await first.text()).slice(0, 2000)}`);
    const { recipe } = (await (
      await fetch(`${server.url}/api/yeet.v1.RecipeService/GetRecipe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ slug }),
      })
    ).json()) as { recipe: { id: string } };
    // as the browser sends it (connect-web, useHttpGet)
    const viewer = `/api/yeet.v1.UserService/GetViewer?connect=v1&encoding=json&message=${encodeURIComponent(JSON.stringify({ recipeId: recipe.id }))}`;
    const withJs: Reader = { kind: 'js', cookies, viewer };
    const noJs: Reader = { kind: 'no-js', cookies };
    const check = await fetch(new URL(viewer, page), { headers: { cookie: cookies[0]! } });
    if (check.status !== 200) throw new Error(`GetViewer: ${check.status} ${await check.text()}`);
    await autocannon({ url: page, connections: 10, duration: 2, headers: { cookie: cookies[0]! } }); // warm up
    server.resetPeak();
    const readyRss = server.peakRss();
    const idle = { js: await alone(page, withJs), noJs: args['no-js'] === 'false' ? null : await alone(page, noJs) };
    const rate = args.rate ? Number(args.rate) : undefined;
    const js = await hammer(server, page, withJs, seconds, rate);
    const noScripts = idle.noJs === null ? null : await hammer(server, page, noJs, seconds, rate);
    const anonymous = await hammer(server, page, { kind: 'anonymous' }, Math.max(5, Math.round(seconds / 2)));
    return { js, noScripts, anonymous, idle, readyRss };
  } finally {
    await server.stop();
  }
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const row = (name: string, m: Measured) => [
  name,
  m.rps,
  m.p50,
  m.p99,
  m.refused,
  m.refusedP99,
  m.refusedMax,
  m.errors,
  m.timeouts,
  mb(m.rss),
];

const sides: Array<[string, Record<string, string>]> = [[args.env.length ? args.env.join(' ') : 'defaults', envOf(args.env)]];
if (args.compare) sides.push([args.compare.join(' '), envOf(args.compare)]);
const rows: Array<Array<string | number>> = [];
const memory: Array<Array<string | number>> = [];
const mix = (name: string, m: Measured) => {
  const b = m.breakdown;
  if (!b) return memory.push([name, mb(m.rss), '—', '—', '—', '—', '—']);
  // What V8's heap and the buffers it knows of (external) leave of the RSS: code, stacks, malloc's arenas, the socket's buffers…
  const rest = b.rss - b.heapTotal - b.external;
  return memory.push([
    name,
    mb(m.rss),
    mb(b.rss),
    mb(b.heapUsed),
    `${mb(b.heapTotal)} (new ${mb(b.newSpace)}, old ${mb(b.oldSpace)})`,
    mb(b.external),
    mb(rest),
  ]);
};
const kinds: Array<Array<string | number>> = [];
const slow: string[] = [];
const whenSlow = (name: string, m: Measured) => {
  if (m.slowRefusalsAt.length === 0) return;
  const at = m.slowRefusalsAt.map((s) => s.toFixed(1));
  slow.push(
    `${name}: ${at.length} refusal(s) took ≥ 100 ms, at ${at.slice(0, 12).join(', ')}${at.length > 12 ? ', …' : ''} s into its load`,
  );
};
const idle: Array<Array<string | number>> = [];
let seed = database.fresh;
for (const [name, extra] of sides) {
  const { js, noScripts, anonymous, idle: one, readyRss } = await side(extra, seed);
  seed = false;
  rows.push(row(`signed in, JS (shared page + GetViewer), ${name}`, js));
  if (noScripts) rows.push(row(`signed in, no JS (page per person), ${name}`, noScripts));
  rows.push(row(`anonymous visitors, ${name}`, anonymous));
  mix(`signed in, JS, ${name}`, js);
  if (noScripts) mix(`signed in, no JS, ${name}`, noScripts);
  mix(`anonymous, ${name}`, anonymous);
  whenSlow(`signed in, JS, ${name}`, js);
  if (noScripts) whenSlow(`signed in, no JS, ${name}`, noScripts);
  kinds.push([name, js.kinds!.page.p50, js.kinds!.page.p99, js.kinds!.viewer.p50, js.kinds!.viewer.p99]);
  idle.push([name, one.js, one.noJs ?? '—', mb(readyRss)]);
}
console.log(
  `\nOverload benchmark — GET /r/${slug}, ${connections} connections${args.rate ? ` offering ${args.rate} req/s` : ''}, ${seconds} s per kind of signed-in reader (${args.readers} readers), one --role all process`,
);
console.log(
  table(
    [
      'readers, side',
      'page views/s',
      'p50 ms',
      'p99 ms',
      'refused',
      'refused p99 ms',
      'refused max ms',
      'errors',
      'timeouts',
      'peak RSS',
    ],
    rows,
  ),
);
for (const line of slow) console.log(line);
console.log(
  `\n${table(['signed in with JS: a page view’s requests, side', 'page p50 ms', 'page p99 ms', 'GetViewer p50 ms', 'GetViewer p99 ms'], kinds)}`,
);
console.log(
  `\n${table(['where the peak went (the server’s /metrics, read each second)', 'peak RSS', 'RSS then', 'heap used', 'heap total', 'external', 'rest'], memory)}`,
);
console.log(`\n${table(['side', 'one signed-in view alone, JS, p50 ms', 'no JS, p50 ms', 'RSS after warm-up'], idle)}`);
console.log('Targets (signed in): ≥ 150 page views/s served, p99 < 1000 ms, refusals < 100 ms, no timeouts, RSS < 400 MB.');
console.log('The machine is shared: compare the sides of one run rather than figures across runs.');
await database.stop();
