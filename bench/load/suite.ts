import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@yeet/db';
import { table } from '../stats.ts';
import { type FaultContext, type FaultName, type Hold, imageCache, pgKill, pgPause, redisDown } from './faults.ts';
import { type Cast, cast, catalogue, drafts, rpc } from './fixtures.ts';
import { assertWebBuilt, type PlatformProcess, queueDrained, sampleRss, startProcess } from './platform.ts';
import { buildScenarios, type Check, checks, type Model, type Profile, runScenario, type ScenarioName } from './scenarios.ts';
import { apiKill, startTopology, workerKill } from './topology.ts';

export interface SuiteOptions {
  profile: Profile;
  scenarios: readonly ScenarioName[];
  models: readonly Model[];
  faults: readonly FaultName[];
  /** DATA_DIR of the `--role all` process (its embedded PostgreSQL lives in <dataDir>/pg) unless databaseUrl is given. */
  dataDir: string;
  /** A database the platform may fill (the test's); no database faults then — they need the suite's own cluster. */
  databaseUrl?: string;
  /** Start a redis-server of the suite's own and give the platform its REDIS_URL. */
  redis: boolean;
  pgPauseMs: number;
  /**
   * The catalogue: the demo's 60 recipes with photos (seeded once per data directory), or a
   * dozen recipes without photos written by the cast (quick, for a fresh database every run).
   */
  catalogue: 'demo' | 'small';
  /** Extra environment for the platform (KEY=VALUE from --env). */
  env: Record<string, string>;
  /** The RSS ceiling of the `--role all` process. */
  rssLimitBytes: number;
  people: { authors: number; editors: number; readers: number; assistants: number };
  log(message: string): void;
}

export interface SuiteResult {
  checks: Check[];
  holds: Hold[];
  peakRss: number;
  rssSamples: number;
  ok: boolean;
  report: string;
}

const sessionSecret = 'load-suite-session-secret-0123456789abcdef';

/** A redis-server of the suite's own, on a free port, no persistence: never the machine's shared one. */
async function ownRedis(log: (m: string) => void) {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    process.once('exit', () => child?.kill('SIGKILL'));
    for (let i = 0; i < 50; i++) {
      const up = await new Promise<boolean>((resolve) => {
        const socket = net.connect({ host: '127.0.0.1', port }, () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      if (up) return;
      await sleep(100);
    }
    throw new Error('redis-server did not start');
  };
  await start();
  log(`redis-server on 127.0.0.1:${port}`);
  return {
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
    start,
  };
}

/** A dozen published recipes, written, submitted and approved by the cast. */
async function smallCatalogue(baseUrl: string, people: Cast): Promise<void> {
  const ids = await drafts(baseUrl, people.authors, 12, 'catalogue');
  for (const [k, id] of ids.entries()) {
    const author = people.authors[k % people.authors.length]!;
    await rpc(baseUrl, 'RecipeService/SubmitRecipe', { id }, author.tokens.access_token, { 'idempotency-key': `submit-${id}` });
    await rpc(baseUrl, 'RecipeService/ApproveRecipe', { id }, people.editors[0]!.tokens.access_token, {
      'idempotency-key': `approve-${id}`,
    });
  }
}

/**
 * The whole run: the platform as a child process (`main.ts start --role all`), its RSS
 * sampled throughout, the cast signed in, each scenario under each model, then each fault.
 */
export async function runSuite(o: SuiteOptions): Promise<SuiteResult> {
  assertWebBuilt();
  await mkdir(o.dataDir, { recursive: true });
  const redis = o.redis ? await ownRedis(o.log) : null;
  const port = await freePort();
  const env: Record<string, string> = {
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    PORT: String(port),
    DATA_DIR: o.dataDir,
    SESSION_SECRET: sessionSecret,
    // Every caller gets an address of its own (X-Forwarded-For): per-address limits see many visitors, not one.
    TRUST_PROXY: 'true',
    // The MCP limit (60 calls a minute per client by default) is for assistants, not for a
    // load test: off for the platform under test, so MCP calls measure the work, not the limiter.
    MCP_RATE_LIMIT: '100000',
    // Likewise the per-person limit (1200 units a minute; a write costs 5): four authors writing
    // flat out would spend it in seconds. The limiter still runs, so its cost is measured.
    RATE_LIMIT_PERSON: '1000000',
    SEED_DEMO: o.catalogue === 'demo' ? 'auto' : 'never',
    ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
    ...(redis ? { REDIS_URL: redis.url } : {}),
    ...o.env,
  };
  let platform: PlatformProcess = await startProcess('all', env);
  o.log(`platform (--role all) pid ${platform.child.pid} on ${platform.url}`);
  const memory = sampleRss(() => platform.child.pid);
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
  /** The RSS so far, printed as the run goes: the phase that just ended's peak and where it ended. */
  const phase = (name: string) => {
    const ended = [...memory.phases].at(-1);
    if (ended)
      o.log(`  RSS in ${ended[0]}: peak ${mb(ended[1].peak)}, at its end ${mb(ended[1].last)} (limit ${mb(o.rssLimitBytes)})`);
    memory.phase(name);
  };
  phase('setup: sign-ups, drafts');
  const checksOut: Check[] = [];
  const holds: Hold[] = [];
  try {
    const people: Cast = await cast({
      baseUrl: platform.url,
      sessionSecret,
      ...o.people,
      ledger: o.databaseUrl ? undefined : path.join(o.dataDir, 'load-accounts.json'),
    });
    if (o.catalogue === 'small') await smallCatalogue(platform.url, people);
    o.log(`job queue drained in ${await queueDrained(platform.url)} ms`);
    // The first page a process renders loads the web app's code (seconds on a busy machine):
    // not a part of the first scenario's measure (the short suite has no warm-up, and its
    // 1.2 s of anonymous visitors once counted no answer at all).
    await fetch(`${platform.url}/`, { headers: { accept: 'text/html' }, signal: AbortSignal.timeout(60_000) }).then((r) =>
      r.arrayBuffer(),
    );
    const scenarios = await buildScenarios(platform.url, people, o.profile, o.scenarios);
    for (const name of o.scenarios) {
      const s = scenarios.get(name)!;
      for (const model of o.models) {
        await people.refresh();
        o.log(
          `${name} (${model}): ${model === 'closed' ? `${s.connections} connections` : `${s.rate} req/s`} for ${o.profile.seconds} s`,
        );
        phase(`${name} (${model})`);
        try {
          const measured = await runScenario(platform.url, s, model, o.profile);
          checksOut.push(...checks(measured));
          if (measured.recorder.examples.length) o.log(`  errors, e.g.: ${measured.recorder.examples.join('; ')}`);
        } catch (e) {
          // A scenario that cannot even be set up fails, and the run goes on to the next.
          checksOut.push({
            scenario: `${name} (${model})`,
            check: 'runs',
            threshold: '',
            measured: (e as Error).message.slice(0, 160),
            ok: false,
          });
        }
      }
    }

    if (o.faults.length) {
      const slugs = await catalogue(platform.url, 30);
      const ctx: FaultContext = {
        all: () => platform,
        async restart() {
          platform = await startProcess('all', env);
        },
        dataDir: o.dataDir,
        cast: people,
        slugs,
        redis,
        log: o.log,
      };
      const local: Partial<Record<FaultName, () => Promise<Hold[]>>> = {
        'pg-pause': () => pgPause(ctx, o.pgPauseMs),
        'pg-kill': () => pgKill(ctx),
        'redis-down': () => redisDown(ctx),
        'image-cache': () => imageCache(ctx),
      };
      for (const fault of o.faults) {
        const run = local[fault];
        if (!run) continue;
        if (o.databaseUrl && (fault === 'pg-pause' || fault === 'pg-kill')) {
          holds.push({ fault, what: 'needs the suite’s own PostgreSQL', measured: 'skipped: DATABASE_URL given', ok: true });
          continue;
        }
        await people.refresh();
        o.log(`fault ${fault}`);
        phase(`fault ${fault}`);
        holds.push(...(await run().catch((e: Error) => [{ fault, what: 'runs', measured: e.message.slice(0, 160), ok: false }])));
      }
      const multi = o.faults.filter((f) => f === 'api-kill' || f === 'worker-kill');
      if (multi.length) {
        o.log('starting the multi-process topology (2 × api, worker, nginx)');
        phase('the topology faults (this process idle)');
        const topology = await startTopology(o.dataDir, o.log).catch((e: Error) => {
          for (const fault of multi)
            holds.push({ fault, what: 'the topology starts', measured: e.message.slice(0, 160), ok: false });
          return null;
        });
        if (topology)
          try {
            for (const fault of multi) {
              await topology.people.refresh();
              o.log(`fault ${fault}`);
              const run = fault === 'api-kill' ? apiKill(topology, o.log) : workerKill(topology, o.log);
              holds.push(
                ...(await run.catch((e: Error) => [{ fault, what: 'runs', measured: e.message.slice(0, 160), ok: false }])),
              );
            }
          } finally {
            await topology.stop();
          }
      }
    }
  } finally {
    phase('stopping');
    await memory.stop();
    await platform.stop();
    await redis?.kill();
  }

  const peak = memory.peak;
  // Each phase's peak beside the limit (where the memory went up), then the whole run's.
  for (const [name, p] of memory.phases) {
    if (name === 'stopping') continue;
    checksOut.push({
      scenario: name,
      check: 'peak RSS of the --role all process',
      threshold: `< ${mb(o.rssLimitBytes)}`,
      measured: `${mb(p.peak)} (at its end ${mb(p.last)})`,
      ok: p.peak < o.rssLimitBytes,
    });
  }
  const rssCheck: Check = {
    scenario: 'whole run',
    check: 'peak RSS of the --role all process',
    threshold: `< ${mb(o.rssLimitBytes)}`,
    measured: `${mb(peak)} in ${memory.peakPhase} (${memory.samples} samples)`,
    ok: peak > 0 && peak < o.rssLimitBytes,
  };
  checksOut.push(rssCheck);
  const mark = (ok: boolean) => (ok ? 'ok' : 'FAILED');
  let report = table(
    ['scenario', 'check', 'threshold', 'measured', 'result'],
    checksOut.map((c) => [c.scenario, c.check, c.threshold, c.measured, mark(c.ok)]),
  );
  if (holds.length) {
    report += `\n\n${table(
      ['fault', 'must hold', 'measured', 'result'],
      holds.map((h) => [h.fault, h.what, h.measured, mark(h.ok)]),
    )}`;
  }
  const ok = checksOut.every((c) => c.ok) && holds.every((h) => h.ok);
  return { checks: checksOut, holds, peakRss: peak, rssSamples: memory.samples, ok, report };
}
