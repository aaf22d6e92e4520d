/**
 * The load, fault and memory suite (issue 14; docs/load.md says what each part checks):
 * seven scenarios, each with p95/p99, error-rate, throughput and refusal thresholds printed
 * beside what was measured, under closed-loop connections (autocannon) and an open model
 * (requests started at a fixed rate); then, with --faults, the faults and what must hold;
 * the RSS of the `--role all` process throughout. Exits non-zero when any threshold fails.
 *
 *   npm run load [-- --seconds 15 --model both --scenarios anonymous,search]
 *   npm run load -- --faults                    every fault after the scenarios
 *   npm run load -- --scenarios none --fault pg-pause --fault image-cache
 *   npm run load -- --faults --redis            with a Redis of the suite's own (REDIS_URL)
 *
 * The platform runs as a child process on its own embedded PostgreSQL under .data/load (never
 * DATABASE_URL's server: the faults stop and kill it). Needs the production web build
 * (`npm run build`), and nginx for the api-kill and worker-kill faults.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type FaultName, faultNames } from './load/faults.ts';
import { type Model, type ScenarioName, scenarioNames } from './load/scenarios.ts';
import { runSuite } from './load/suite.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    model: { type: 'string', default: 'both' },
    scenarios: { type: 'string', default: scenarioNames.join(',') },
    scale: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '3' },
    faults: { type: 'boolean', default: false },
    fault: { type: 'string', multiple: true, default: [] },
    redis: { type: 'boolean', default: false },
    'pause-seconds': { type: 'string', default: '20' },
    'data-dir': { type: 'string', default: path.resolve(import.meta.dirname, '../.data/load') },
    env: { type: 'string', multiple: true, default: [] },
    readers: { type: 'string', default: '20' },
  },
});

const pick = <T extends string>(list: string, known: readonly T[], what: string): T[] => {
  if (list === 'none') return [];
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) if (!known.includes(n as T)) throw new Error(`unknown ${what} "${n}": use ${known.join(', ')}`);
  return names as T[];
};
const models: Model[] = args.model === 'both' ? ['closed', 'open'] : pick(args.model, ['closed', 'open'] as const, 'model');
const faults: FaultName[] = args.faults ? [...faultNames] : pick(args.fault.join(','), faultNames, 'fault');
const env = Object.fromEntries(
  args.env.map((kv) => {
    const eq = kv.indexOf('=');
    if (eq < 1) throw new Error(`--env takes KEY=VALUE, not "${kv}"`);
    return [kv.slice(0, eq), kv.slice(eq + 1)];
  }),
);
const startedAt = new Date();
const load = (await import('node:os')).loadavg();

const result = await runSuite({
  profile: {
    seconds: Number(args.seconds),
    scale: Number(args.scale),
    slack: 1,
    timeoutMs: 10_000,
    warmupSeconds: Number(args.warmup),
  },
  scenarios: pick(args.scenarios, scenarioNames, 'scenario') as ScenarioName[],
  models,
  faults,
  dataDir: path.resolve(args['data-dir'], 'all'),
  catalogue: 'demo',
  redis: args.redis || Boolean(process.env.REDIS_URL),
  pgPauseMs: Number(args['pause-seconds']) * 1000,
  env,
  rssLimitBytes: 400 * 2 ** 20,
  people: { authors: 4, editors: 2, readers: Number(args.readers), assistants: 3 },
  log: (m) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`),
});

const after = (await import('node:os')).loadavg();
console.log(
  `\nLoad suite — ${startedAt.toISOString()}, ${args.seconds} s per scenario and model (${models.join(', ')}); ` +
    `machine load average ${load.map((n) => n.toFixed(2)).join(' ')} before, ${after.map((n) => n.toFixed(2)).join(' ')} after ` +
    `(${(await import('node:os')).cpus().length} cores, shared)\n`,
);
console.log(result.report);
console.log(`\n${result.ok ? 'All thresholds held.' : 'Some thresholds FAILED.'}`);
process.exit(result.ok ? 0 : 1);
