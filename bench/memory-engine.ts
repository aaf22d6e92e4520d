/**
 * A paired in-process benchmark of the memory search index: the index of this checkout against
 * the one of an earlier commit (its memory-index.ts, rank.ts and tsvector.ts taken with `git show`
 * into .data/, never kept in the tree), both built from the same documents, asked the bench's
 * query mix alternately. Times are the main thread's CPU time (process.threadCpuUsage), so the
 * other work on a shared machine disturbs them far less than wall-clock times; each row gives
 * both indexes' p50 / p95 and the median of the per-query ratios new ÷ old. Every answer of
 * the new index is checked against the old one's (ids in order, total, facet counts).
 *
 *   DATABASE_URL=… npm exec -- node bench/memory-engine.ts --recipes 100000 --rounds 20 --base HEAD
 *   … --profile /tmp/new.cpuprofile   (a CPU profile of the new index's searches alone)
 *   … --filled   (the documents of bench:search's database yeet_bench_<N>, so one 1M database serves both)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { connectDatabase, sql } from '@yeet/db';
import { parseSearchText, type SearchFilter } from '@yeet/domain';
import type { EngineQuery } from '../apps/api/src/search/engine.ts';
import {
  type DocumentRow,
  documentColumns,
  documentSource,
  type IndexQuery,
  MemorySearchEngine,
  toDocument,
} from '../apps/api/src/search/memory/memory.engine.ts';
import { MemoryIndex, type IndexedDocument, type IndexResult } from '../apps/api/src/search/memory/memory-index.ts';
import { filledDatabase } from './fill.ts';
import { memoryBenchDatabase } from './memory-fill.ts';
import { noFilter } from './search-queries.ts';
import { percentiles, table } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    recipes: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '15' },
    base: { type: 'string', default: 'HEAD' },
    profile: { type: 'string' },
    detail: { type: 'boolean', default: false },
    only: { type: 'string' },
    /** read the documents of bench:search's database (yeet_bench_<N>, demo recipes included) instead of yeet_bench_memory_<N> */
    filled: { type: 'boolean', default: false },
  },
});

// --- the old index, from git -----------------------------------------------------------------
const root = path.resolve(import.meta.dirname, '..');
const rev = execFileSync('git', ['rev-parse', '--short', args.base], { cwd: root, encoding: 'utf8' }).trim();
const oldDir = path.join(root, '.data', 'bench-memory-index', rev);
mkdirSync(oldDir, { recursive: true });
for (const file of ['memory-index.ts', 'rank.ts', 'tsvector.ts', 'headline.ts'])
  writeFileSync(
    path.join(oldDir, file),
    execFileSync('git', ['show', `${rev}:apps/api/src/search/memory/${file}`], { cwd: root, encoding: 'utf8' }),
  );
type Index = Pick<MemoryIndex, 'put' | 'trim' | 'search' | 'suggest' | 'facetTotals' | 'size'>;
const { MemoryIndex: OldIndex } = (await import(path.join(oldDir, 'memory-index.ts'))) as {
  MemoryIndex: new () => Index;
};

// --- the documents ---------------------------------------------------------------------------
const recipes = Number(args.recipes);
const database = args.filled ? await filledDatabase(recipes, console.error) : await memoryBenchDatabase(recipes);
const conn = connectDatabase(database.url, { poolMax: 2 });
let t = performance.now();
const docs: IndexedDocument[] = [];
for (let after = '00000000-0000-0000-0000-000000000000'; ; ) {
  const { rows } = await sql<DocumentRow>`
    select ${documentColumns} from ${documentSource} where d.recipe_id > ${after}::uuid order by d.recipe_id limit 20000`.execute(
    conn.db,
  );
  for (const r of rows) docs.push(toDocument(r));
  if (rows.length < 20000) break;
  after = rows.at(-1)!.id;
}
console.error(`read ${docs.length} documents in ${((performance.now() - t) / 1000).toFixed(1)} s`);

const build = (make: () => Index, name: string): Index => {
  const started = performance.now();
  const index = make();
  for (const d of docs) index.put(d, true);
  index.trim();
  // a few updates after the load, as a running process has: the recent-changes paths are exercised too
  for (let i = 0; i < docs.length; i += Math.max(1, Math.floor(docs.length / 500))) index.put(docs[i]!);
  console.error(`${name}: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return index;
};
global.gc?.();
const heapBefore = process.memoryUsage();
const oldIndex = build(() => new OldIndex(), `old (${rev})`);
global.gc?.();
const heapOld = process.memoryUsage();
const newIndex = build(() => new MemoryIndex(), 'new');
global.gc?.();
const heapNew = process.memoryUsage();
const mb = (a: NodeJS.MemoryUsage, b: NodeJS.MemoryUsage) =>
  ((b.heapUsed + b.arrayBuffers - a.heapUsed - a.arrayBuffers) / 2 ** 20).toFixed(0);
if (global.gc) console.error(`memory (heap + array buffers): old ${mb(heapBefore, heapOld)} MB, new ${mb(heapOld, heapNew)} MB`);

// --- the query mix (bench/search.ts's words, every one with every filter set) ----------------
const words = ['chicken', 'lasagna', 'tahini', 'risotto', 'gochujang', 'dumplings', 'curry', 'paella', 'salmon', 'plantain'];
const multi = ['chicken curry', 'garlic prawn pasta', 'miso salmon', 'lamb tagine apricot', 'crispy pork bao', 'lentil dal'];
const typos = ['chiken', 'lasagnia', 'sourdouhg', 'tahinni', 'risoto', 'dumplngs'];
const prefixes = ['lasag', 'chick', 'gochu', 'tagi', 'pae', 'bibim'];
const filters: SearchFilter[] = [
  noFilter,
  { ...noFilter, cuisines: ['italian'] },
  { ...noFilter, mealTypes: ['dinner'], difficulties: ['easy'] },
  { ...noFilter, dietaryFlags: ['vegetarian'], timeBuckets: ['15-to-30', '30-to-60'], tags: ['weeknight'] },
];
const planner = new MemorySearchEngine(conn.db);
const cases: Array<{ kind: string; label: string; query: IndexQuery }> = [];
const add = async (kind: string, texts: string[], sort: EngineQuery['sort'] = 'relevance') => {
  for (const text of texts)
    for (const [f, filter] of filters.entries()) {
      const query = await planner.indexQuery({ text: parseSearchText(text), filter, sort, limit: 20, offset: 0, facets: true });
      if (query) cases.push({ kind, label: `${JSON.stringify(text)} f${f} ${sort}`, query });
    }
};
await add(
  'single word',
  words.map((w) => `${w} `),
);
await add(
  'multi-word',
  multi.map((w) => `${w} `),
);
await add(
  'misspelled',
  typos.map((w) => `${w} `),
);
await add('prefix', prefixes);
await add('browsing', ['']);
await add('word, other sorts', ['chicken ', 'curry ', 'tahini '], 'newest');
await add('word, other sorts', ['chicken ', 'salmon '], 'top_rated');
await add('word, other sorts', ['chicken ', 'gochujang '], 'quickest');
await add('browsing, other sorts', [''], 'top_rated');
await add('browsing, other sorts', [''], 'quickest');
const typed = ['la', 'las', 'lasa', 'lasag', 'ch', 'chi', 'chic', 'chick', 'chicken c', 'chicken cu', 'go', 'goc', 'gochu'];

// --- checks: the new index answers as the old one ------------------------------------------
const same = (a: IndexResult, b: IndexResult) =>
  JSON.stringify([a.ids, a.total, [...a.facets].map(([f, v]) => [f, [...v].sort()]).sort()]) ===
  JSON.stringify([b.ids, b.total, [...b.facets].map(([f, v]) => [f, [...v].sort()]).sort()]);
const run = (index: Index, q: IndexQuery) => index.search(q.text, q.filter, q.sort, q.limit, q.offset, q.facets);
/** The engine's suggestion work in memory: the titles and the tags. */
const suggest = (index: Index, typedText: string) => {
  const text = parseSearchText(typedText, 'prefix');
  const ids = index.suggest(text.words, text.prefix, 6);
  const tagPrefix = text.words.join('-');
  const tags = index
    .facetTotals('tags')
    .filter((x) => x.value.startsWith(tagPrefix))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))
    .slice(0, 5);
  return { ids, tags };
};
let differences = 0;
for (const c of cases) {
  for (const offset of [0, 40]) {
    const q = { ...c.query, offset };
    if (!same(run(oldIndex, q), run(newIndex, q))) {
      differences++;
      console.error(`DIFFERENT: ${c.kind} ${c.label} +${offset}`);
    }
  }
}
for (const x of typed)
  if (JSON.stringify(suggest(oldIndex, x)) !== JSON.stringify(suggest(newIndex, x))) {
    differences++;
    console.error(`DIFFERENT: suggest ${x}`);
  }
console.error(`checked ${cases.length * 2 + typed.length} answers: ${differences} different`);

// --- the paired timing -------------------------------------------------------------------------
// Two measures, each robust to the other work on a shared machine in its own way:
// - per query, the best wall-clock time over the rounds (a round where this process kept its
//   core); the table gives p50 / p95 of those over a kind's queries, and the median of the
//   per-query ratios new ÷ old;
// - per kind, the main thread's CPU time summed over every round (the kernel counts it in
//   ticks, so a single search reads 0 or 4 ms, but the sum over hundreds is unbiased).
interface Sample {
  best: number;
  cpu: number;
}
const cases2 = [
  ...cases.map((c) => ({ kind: c.kind, label: c.label, of: (index: Index) => () => run(index, c.query) })),
  ...typed.map((x) => ({ kind: 'suggest', label: JSON.stringify(x), of: (index: Index) => () => suggest(index, x) })),
];
if (args.only) {
  const wanted = args.only;
  for (let i = cases2.length - 1; i >= 0; i--) if (!cases2[i]!.label.includes(wanted)) cases2.splice(i, 1);
}
const measured = cases2.map(() => ({ old: { best: Infinity, cpu: 0 }, new: { best: Infinity, cpu: 0 } }));
const time = (fn: () => unknown, into: Sample) => {
  const cpu = process.threadCpuUsage();
  const t0 = performance.now();
  fn();
  const ms = performance.now() - t0;
  const used = process.threadCpuUsage(cpu);
  into.best = Math.min(into.best, ms);
  into.cpu += (used.user + used.system) / 1000;
};
const profiler = new Session();
if (args.profile) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
const rounds = Number(args.rounds);
const os = await import('node:os');
const loadBefore = os.loadavg();
t = performance.now();
const runs = cases2.map((c) => ({ old: c.of(oldIndex), new: c.of(newIndex) }));
for (let round = 0; round < rounds; round++) {
  for (const [i, r] of runs.entries()) {
    // alternate which index goes first
    if ((round + i) % 2 === 0) {
      time(r.old, measured[i]!.old);
      time(r.new, measured[i]!.new);
    } else {
      time(r.new, measured[i]!.new);
      time(r.old, measured[i]!.old);
    }
  }
}
if (args.profile) {
  const { profile } = await profiler.post('Profiler.stop');
  writeFileSync(args.profile, JSON.stringify(profile));
  console.error(`CPU profile: ${args.profile}`);
}
console.log(
  `${newIndex.size} documents (${recipes} generated), ${rounds} rounds in ${((performance.now() - t) / 1000).toFixed(0)} s, ` +
    `load average ${loadBefore.map((x) => x.toFixed(1)).join(' ')} → ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}; old = ${rev}`,
);
const kinds = [...new Set(cases2.map((c) => c.kind)), 'all searches'];
console.log(
  table(
    [
      'kind',
      'queries',
      'old best p50',
      'old best p95',
      'new best p50',
      'new best p95',
      'new ÷ old (median per query)',
      'CPU ms old',
      'CPU ms new',
      'CPU new ÷ old',
    ],
    kinds.map((kind) => {
      const of = measured.filter((_, i) => (kind === 'all searches' ? cases2[i]!.kind !== 'suggest' : cases2[i]!.kind === kind));
      const o = percentiles(of.map((m) => m.old.best));
      const n = percentiles(of.map((m) => m.new.best));
      const ratio = percentiles(of.map((m) => m.new.best / m.old.best)).p50;
      const cpuOld = of.reduce((a, m) => a + m.old.cpu, 0);
      const cpuNew = of.reduce((a, m) => a + m.new.cpu, 0);
      return [
        kind,
        String(of.length),
        o.p50,
        o.p95,
        n.p50,
        n.p95,
        `${ratio.toFixed(2)}×`,
        cpuOld.toFixed(0),
        cpuNew.toFixed(0),
        `${(cpuNew / cpuOld).toFixed(2)}×`,
      ];
    }),
  ),
);
if (args.detail)
  console.log(
    table(
      ['query', 'kind', 'old best ms', 'new best ms', 'new ÷ old'],
      measured
        .map(
          (m, i) =>
            [cases2[i]!.label, cases2[i]!.kind, m.old.best, m.new.best, `${(m.new.best / m.old.best).toFixed(2)}×`] as const,
        )
        .sort((a, b) => b[2] - a[2])
        .slice(0, 40)
        .map((r) => [...r]),
    ),
  );
await conn.close();
await database.stop();
if (differences > 0) process.exit(1);
