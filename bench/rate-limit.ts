/**
 * Rate-limit benchmark, one run, side by side: what counting a call costs. Three API
 * processes on one database answer the same signed-in GetMe (the `person` class):
 *  - limits off (RATE_LIMIT_PERSON=0): the baseline;
 *  - counted in PostgreSQL (the default without REDIS_URL);
 *  - counted in Redis (when one answers at REDIS_URL or 127.0.0.1:6379).
 * The quota is set out of reach, so every call is counted and none refused; one person, so
 * every call updates the same counter (the worst case for row locks in PostgreSQL).
 * Sequential latency is measured interleaved (one call to each in turn, so the machine's
 * noise falls on all alike), then throughput with autocannon in rounds, the sides taking turns.
 *
 *   node bench/rate-limit.ts [--calls 600 --seconds 5 --connections 10]
 *
 * Uses DATABASE_URL when set (a database it may migrate), else an embedded PostgreSQL of its
 * own under .data/bench-rate-limit.
 */
import { Socket } from 'node:net';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import path from 'node:path';
import { freePort, startEmbeddedPostgres } from '@yeet/db';
import { createLogger, loadConfig } from '@yeet/platform';
import { startPlatform, type RunningPlatform } from '../apps/server/src/platform.ts';
import { percentiles, table } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '600' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
  },
});
const calls = Number(args.calls);
const seconds = Number(args.seconds);
const connections = Number(args.connections);

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisAnswers = await new Promise<boolean>((resolve) => {
  const { hostname, port } = new URL(redisUrl);
  const socket = new Socket();
  const done = (ok: boolean) => {
    socket.destroy();
    resolve(ok);
  };
  socket.setTimeout(1_000, () => done(false));
  socket.once('error', () => done(false));
  socket.connect(Number(port || 6379), hostname, () => socket.write('PING\r\n'));
  socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
});

// A server of its own (not .data/bench, which other benches may be running on): nothing to fill.
const database = process.env.DATABASE_URL
  ? { url: process.env.DATABASE_URL, stop: async () => {} }
  : await startEmbeddedPostgres({ dataDir: path.resolve(import.meta.dirname, '../.data/bench-rate-limit'), port: 0 });
const start = async (env: Record<string, string>): Promise<RunningPlatform> => {
  const port = await freePort();
  return startPlatform(
    loadConfig({
      ROLE: 'api',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: database.url,
      DEV_AUTH: 'true',
      SEED_DEMO: 'never',
      LOG_LEVEL: 'error',
      ...env,
    }),
    createLogger({ level: 'error' }),
  );
};
const sides: Array<{ name: string; platform: RunningPlatform }> = [
  { name: 'limits off (baseline)', platform: await start({ RATE_LIMIT_PERSON: '0' }) },
  { name: 'counted in PostgreSQL', platform: await start({ RATE_LIMIT_PERSON: '1000000', RATE_LIMIT_STORE: 'postgres' }) },
];
if (redisAnswers) {
  sides.push({ name: 'counted in Redis', platform: await start({ RATE_LIMIT_PERSON: '1000000', REDIS_URL: redisUrl }) });
} else {
  console.warn(`No Redis answers at ${redisUrl}: the Redis side is left out.`);
}

const headers = { 'content-type': 'application/json', 'x-yeet-dev-user': 'bench-reader' };
const url = (p: RunningPlatform) => `${p.url}/api/yeet.v1.UserService/GetMe`;
const send = async (p: RunningPlatform) => {
  const res = await fetch(url(p), { method: 'POST', body: '{}', headers });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url(p)}: ${res.status}`);
};

for (let i = 0; i < 50; i++) for (const s of sides) await send(s.platform); // warm up
const samples = sides.map(() => [] as number[]);
for (let i = 0; i < calls; i++) {
  for (const [k, s] of sides.entries()) {
    const began = performance.now();
    await send(s.platform);
    samples[k]!.push(performance.now() - began);
  }
}
// Throughput in rounds, the sides taking turns, and the median round per side: a busy
// machine's noise lands on every side rather than on whichever ran during it.
const rounds = sides.map(() => [] as number[]);
for (let round = 0; round < 3; round++) {
  for (const [k, s] of sides.entries()) {
    const options = { url: url(s.platform), method: 'POST' as const, body: '{}', headers, connections, workers: 1 };
    if (round === 0) await autocannon({ ...options, duration: 1 });
    const result = await autocannon({ ...options, duration: seconds });
    if (result.non2xx) throw new Error(`${s.name}: ${result.non2xx} non-2xx answers`);
    rounds[k]!.push(result.requests.average);
  }
}
const rps = rounds.map((r) => [...r].sort((x, y) => x - y)[1]!);

const base = percentiles(samples[0]!);
console.log(
  `\nRate-limit benchmark — GetMe as one person: ${calls} sequential calls per side (interleaved), then ${connections} connections, 3 rounds of ${seconds} s per side taking turns (median round)`,
);
console.log(
  table(
    ['side', 'p50 ms', 'p95 ms', 'p99 ms', 'req/s', 'p50 vs off', 'req/s vs off'],
    sides.map((s, k) => {
      const p = percentiles(samples[k]!);
      return [s.name, p.p50, p.p95, p.p99, rps[k]!, p.p50 / base.p50, rps[k]! / rps[0]!];
    }),
  ),
);

for (const s of sides) await s.platform.stop();
await database.stop();
