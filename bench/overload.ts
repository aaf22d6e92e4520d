/**
 * Overload benchmark: many signed-in readers on one recipe page at once, against one
 * `--role all` process (a child process, as `npm start` runs it; the load generator is this
 * process, so it does not share the server's event loop).
 *
 *   node bench/overload.ts [-- --seconds 20 --connections 200 --readers 10]
 *                          [--env HTTP_CONCURRENCY=0 --env …]   settings of one side
 *                          [--compare HTTP_CONCURRENCY=0]        a second side, same run
 *                          [--rate 100]                          an open model: req/s offered, not closed-loop
 *
 * Prints, per side: served req/s, p50/p99 of served answers, refusals (503) and their
 * p99/max latency, other errors, client timeouts, and the server's peak RSS. Then anonymous
 * visitors on the same page (the page cache) with the same connections, as the yardstick
 * that must not drop. Uses DATABASE_URL when set (a database it may fill), else an embedded
 * PostgreSQL of its own under .data/bench-overload. Needs the production web build (`npm run build`).
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

interface Server {
  url: string;
  child: ChildProcess;
  peakRss: () => number;
  resetPeak: () => void;
  stop: () => Promise<void>;
}

/** `yeet start --role all` as a child process; its RSS sampled every 200 ms. */
async function startServer(extra: Record<string, string>, seed: boolean): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const profile = args.profile ? [`--cpu-prof`, `--cpu-prof-dir=${args.profile}`] : [];
  const child = spawn(process.execPath, [...profile, path.join(root, 'apps/server/src/main.ts'), 'start', '--role', 'all'], {
    env: {
      ...process.env,
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
      ...extra,
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
  return {
    url,
    child,
    peakRss: () => peak,
    resetPeak: () => {
      peak = 0;
      sample();
    },
    stop: async () => {
      clearInterval(timer);
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

interface Measured {
  rps: number;
  served: number;
  p50: number;
  p99: number;
  refused: number;
  refusedP99: number;
  refusedMax: number;
  errors: number;
  timeouts: number;
  rss: number;
}

/** `rate`: an open model, requests a second offered whatever the answers (else each connection sends as soon as answered). */
async function hammer(server: Server, url: string, cookies: string[], duration: number, rate?: number): Promise<Measured> {
  const served: number[] = [];
  const refused: number[] = [];
  let errors = 0;
  let next = 0;
  server.resetPeak();
  let instance!: autocannon.Instance;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url,
        connections,
        duration,
        timeout: 10,
        ...(rate ? { overallRate: rate } : {}),
        // Each connection is one reader's browser: the same cookie on all its requests.
        setupClient: (client) => {
          if (cookies.length) client.setHeaders({ cookie: cookies[next++ % cookies.length]! });
        },
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
  instance.on('response', (_client, status: number, _bytes: number, ms: number) => {
    if (status === 200) served.push(ms);
    else if (status === 503) refused.push(ms);
    else errors++;
  });
  const result = await finished;
  const s = percentiles(served);
  const r = percentiles(refused);
  return {
    rps: served.length / duration,
    served: served.length,
    p50: s.p50,
    p99: s.p99,
    refused: refused.length,
    refusedP99: refused.length ? r.p99 : 0,
    refusedMax: refused.reduce((m, x) => Math.max(m, x), 0),
    errors: errors + result.errors - result.timeouts,
    timeouts: result.timeouts,
    rss: server.peakRss(),
  };
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
    await autocannon({ url: page, connections: 10, duration: 2, headers: { cookie: cookies[0]! } }); // warm up
    server.resetPeak();
    const readyRss = server.peakRss();
    // One reader alone: what a page costs when nothing else is going on (as far as this machine allows).
    const alone: number[] = [];
    for (let i = 0; i < 30; i++) {
      const started = performance.now();
      await (await fetch(page, { headers: { cookie: cookies[0]! } })).arrayBuffer();
      alone.push(performance.now() - started);
    }
    const signedIn = await hammer(server, page, cookies, seconds, args.rate ? Number(args.rate) : undefined);
    const anonymous = await hammer(server, page, [], Math.max(5, Math.round(seconds / 2)));
    return { signedIn, anonymous, alone: percentiles(alone).p50, readyRss };
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
const idle: Array<Array<string | number>> = [];
let seed = database.fresh;
for (const [name, extra] of sides) {
  const { signedIn, anonymous, alone, readyRss } = await side(extra, seed);
  seed = false;
  rows.push(row(`signed-in readers, ${name}`, signedIn), row(`anonymous visitors, ${name}`, anonymous));
  idle.push([name, alone, mb(readyRss)]);
}
console.log(
  `\nOverload benchmark — GET /r/${slug}, ${connections} connections${args.rate ? ` offering ${args.rate} req/s` : ''}, ${seconds} s signed in (${args.readers} readers), one --role all process`,
);
console.log(
  table(
    ['side', 'served req/s', 'p50 ms', 'p99 ms', 'refused', 'refused p99 ms', 'refused max ms', 'errors', 'timeouts', 'peak RSS'],
    rows,
  ),
);
console.log(`\n${table(['side', 'one signed-in page alone, p50 ms', 'RSS after warm-up'], idle)}`);
console.log('Targets (signed in): ≥ 150 req/s served, p99 < 1000 ms, refusals < 100 ms, no timeouts, RSS < 400 MB.');
console.log('The machine is shared: compare the sides of one run rather than figures across runs.');
await database.stop();
