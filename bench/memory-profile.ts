/**
 * Where the memory engine spends a search: loads MemorySearchEngine in this process from a
 * bench database, then times each slow kind of query end to end beside the query planning
 * it shares with the PostgreSQL engine (typo correction, filters read from words). `--profile`
 * writes a CPU profile of the searches alone (not the load); `--top` prints its heaviest functions
 * (or those of any .cpuprofile, e.g. from `node --cpu-prof`, which includes the load).
 *
 *   DATABASE_URL=… npm exec -- node bench/memory-profile.ts --recipes 1000000 --profile /tmp/search.cpuprofile
 *   npm exec -- node bench/memory-profile.ts --top /tmp/search.cpuprofile
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { connectDatabase } from '@yeet/db';
import { parseSearchText } from '@yeet/domain';
import type { EngineQuery } from '../apps/api/src/search/engine.ts';
import { MemorySearchEngine } from '../apps/api/src/search/memory/memory.engine.ts';
import { PostgresSearchEngine } from '../apps/api/src/search/postgres.engine.ts';
import { benchDatabase } from './database.ts';
import { noFilter } from './search-queries.ts';
import { percentiles, table } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    recipes: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '5' },
    top: { type: 'string' },
    profile: { type: 'string' },
  },
});

if (args.top) {
  // self time by function, from a .cpuprofile
  const profile = JSON.parse(readFileSync(args.top, 'utf8')) as {
    nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/work\/main\//, '')}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
  console.log(
    table(
      ['function', 'self ms', 'share'],
      rows.map(([k, ms]) => [k, ms, `${((100 * ms) / total).toFixed(1)}%`]),
    ),
  );
  process.exit(0);
}

const database = await benchDatabase(`yeet_bench_${Number(args.recipes)}`);
const conn = connectDatabase(database.url, { poolMax: 4 });
const engine = new MemorySearchEngine(conn.db);
const planner = new PostgresSearchEngine(conn.db);
let t = performance.now();
const stop = new AbortController();
await engine.start(stop.signal);
console.log(`loaded ${JSON.stringify(engine.stats)} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
const rss = process.memoryUsage();
console.log(
  `this process: RSS ${(rss.rss / 2 ** 20).toFixed(0)} MB, JS heap ${(rss.heapUsed / 2 ** 20).toFixed(0)} MB, outside the heap ${((rss.external + rss.arrayBuffers) / 2 ** 20).toFixed(0)} MB`,
);

const kinds: Array<{ kind: string; query: string; filter?: Partial<EngineQuery['filter']> }> = [
  { kind: 'single broad word', query: 'chicken ' },
  { kind: 'misspelled', query: 'chiken ' },
  { kind: 'prefix', query: 'chick' },
  { kind: 'short prefix', query: 'pae' },
  { kind: 'multi-word', query: 'chicken curry ' },
  { kind: 'word + filters', query: 'chicken ', filter: { mealTypes: ['dinner'], difficulties: ['easy'] } },
  { kind: 'browse', query: '' },
  { kind: 'browse + filters', query: '', filter: { mealTypes: ['dinner'], difficulties: ['easy'] } },
  {
    kind: 'browse + diet, time, tag',
    query: '',
    filter: { dietaryFlags: ['vegetarian'], timeBuckets: ['15-to-30'], tags: ['weeknight'] },
  },
];
const profiler = new Session();
if (args.profile) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
const rows: Array<Array<string | number>> = [];
for (const k of kinds) {
  const text = parseSearchText(k.query);
  const query: EngineQuery = {
    text,
    filter: { ...noFilter, ...k.filter },
    sort: text.words.length ? 'relevance' : 'newest',
    limit: 20,
    offset: 0,
    facets: true,
  };
  const plan: number[] = [];
  const search: number[] = [];
  await engine.search(query);
  for (let i = 0; i < Number(args.rounds); i++) {
    t = performance.now();
    await planner.plan(query);
    plan.push(performance.now() - t);
    t = performance.now();
    const r = await engine.search(query);
    search.push(performance.now() - t);
    if (i === 0) k.kind += ` (${r.total})`;
  }
  rows.push([k.kind, JSON.stringify(k.query), percentiles(search).p50, percentiles(plan).p50]);
}
console.log(table(['kind (total)', 'query', 'search p50 ms', 'of which plan p50 ms'], rows));
if (args.profile) {
  const { profile } = await profiler.post('Profiler.stop');
  writeFileSync(args.profile, JSON.stringify(profile));
  console.log(`CPU profile of the searches: ${args.profile}`);
}
stop.abort();
await conn.close();
await database.stop();
