/**
 * Where a PostgreSQL search spends its time: EXPLAIN (ANALYZE, BUFFERS) of the statement the
 * PostgreSQL engine runs for each slow kind of query, and of the same statement with parts
 * switched off (no facet counts; no ts_rank), so the difference names the cost of each part.
 * The typo correction runs before the statement, in the API process: it is timed on its own.
 *
 *   DATABASE_URL=postgres://… npm exec -- node bench/explain.ts [--recipes 100000] [--plans]
 *
 * Reads the database `npm run bench:search -- --recipes N` filled (yeet_bench_N); --plans
 * prints the full text plan of every full statement too.
 */
import { parseArgs } from 'node:util';
import { connectDatabase } from '@yeet/db';
import { parseSearchText } from '@yeet/domain';
import pg from 'pg';
import type { EngineQuery } from '../apps/api/src/search/engine.ts';
import { PostgresSearchEngine } from '../apps/api/src/search/postgres.engine.ts';
import { searchSql, type SearchSqlParams } from '../apps/api/src/search/search-sql.ts';
import { benchDatabase } from './database.ts';
import { noFilter } from './search-queries.ts';
import { percentiles, table } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    recipes: { type: 'string', default: '100000' },
    plans: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '3' },
  },
});
const database = await benchDatabase(`yeet_bench_${Number(args.recipes)}`);
if (database.fresh) {
  console.error(`yeet_bench_${args.recipes} was empty: fill it first with npm run bench:search -- --recipes ${args.recipes}`);
  await database.stop();
  process.exit(2);
}
const conn = connectDatabase(database.url, { poolMax: 2 });
const planner = new PostgresSearchEngine(conn.db);
const client = new pg.Client({ connectionString: database.url });
await client.connect();
const rounds = Number(args.rounds);

const kinds: Array<{ kind: string; query: string; filter?: Partial<EngineQuery['filter']> }> = [
  { kind: 'single broad word', query: 'chicken ' },
  { kind: 'single rarer word', query: 'gochujang ' },
  { kind: 'misspelled', query: 'chiken ' },
  { kind: 'prefix', query: 'chick' },
  { kind: 'multi-word', query: 'chicken curry ' },
  { kind: 'single word + filters', query: 'chicken ', filter: { mealTypes: ['dinner'], difficulties: ['easy'] } },
  { kind: 'prefix + filters', query: 'lasag', filter: { cuisines: ['italian'] } },
  { kind: 'browse + filters', query: '', filter: { mealTypes: ['dinner'], difficulties: ['easy'] } },
  {
    kind: 'browse + diet, time, tag',
    query: '',
    filter: { dietaryFlags: ['vegetarian'], timeBuckets: ['15-to-30'], tags: ['weeknight'] },
  },
];

interface PlanNode {
  'Node Type': string;
  'Actual Total Time': number;
  'Actual Rows': number;
  'Actual Loops': number;
  'Relation Name'?: string;
  'Index Name'?: string;
  'CTE Name'?: string;
  'Subplan Name'?: string;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

async function explain(params: SearchSqlParams): Promise<{ ms: number; plan: PlanNode; text?: string }> {
  const compiled = searchSql(params).compile(conn.db);
  const { rows } = await client.query(`explain (analyze, buffers, format json) ${compiled.sql}`, [...compiled.parameters]);
  const out = rows[0]['QUERY PLAN'][0] as { Plan: PlanNode; 'Execution Time': number };
  return { ms: out['Execution Time'], plan: out.Plan };
}

async function textPlan(params: SearchSqlParams): Promise<string> {
  const compiled = searchSql(params).compile(conn.db);
  const { rows } = await client.query(`explain (analyze, buffers, costs off) ${compiled.sql}`, [...compiled.parameters]);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

/** Nodes that took a millisecond or more (time × loops), indented as in the plan. */
function condensed(node: PlanNode, depth = 0, out: string[] = []): string[] {
  const ms = node['Actual Total Time'] * node['Actual Loops'];
  if (ms >= 1) {
    const what = [
      node['Subplan Name'],
      node['Node Type'],
      node['Relation Name'] && `on ${node['Relation Name']}`,
      node['Index Name'] && `using ${node['Index Name']}`,
      node['CTE Name'] && `(${node['CTE Name']})`,
    ]
      .filter(Boolean)
      .join(' ');
    const blocks = (node['Shared Hit Blocks'] ?? 0) + (node['Shared Read Blocks'] ?? 0);
    out.push(
      `${'  '.repeat(depth)}${what}: ${ms.toFixed(1)} ms, ${node['Actual Rows'] * node['Actual Loops']} rows, ${blocks} blocks`,
    );
  }
  for (const child of node.Plans ?? []) condensed(child, depth + 1, out);
  return out;
}

/** The median of a few runs (the first one warms the cache and is dropped). */
async function median(fn: () => Promise<number>): Promise<number> {
  await fn();
  const xs: number[] = [];
  for (let i = 0; i < rounds; i++) xs.push(await fn());
  return percentiles(xs).p50;
}

const indexed = Number((await client.query('select count(*) from search_documents')).rows[0].count);
console.log(`EXPLAIN of the PostgreSQL engine's search statement — ${indexed.toLocaleString('en')} indexed recipes`);
console.log('(median of the runs; the machine is shared with other work, so read differences, not absolutes)\n');

const rows: Array<Array<string | number>> = [];
const details: string[] = [];
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
  const correction = await median(async () => {
    const t = performance.now();
    await planner.plan(query);
    return performance.now() - t;
  });
  const { params } = await planner.plan(query);
  const full = await median(async () => (await explain(params)).ms);
  const noFacets = await median(async () => (await explain({ ...params, facets: false })).ms);
  const noRank = await median(async () => (await explain({ ...params, facets: false, sort: 'newest' })).ms);
  const { plan } = await explain(params);
  const matched =
    findCte(plan, 'base')?.['Actual Rows'] ?? findNode(plan, (n) => n['Relation Name'] === 'search_documents')?.['Actual Rows'];
  rows.push([k.kind, JSON.stringify(k.query), matched ?? '', full, full - noFacets, noFacets - noRank, noRank, correction]);
  details.push(
    `${k.kind} — ${JSON.stringify(k.query)} ${k.filter ? JSON.stringify(k.filter) : ''}\n  ${condensed(plan).join('\n  ')}`,
  );
  if (args.plans) details.push(await textPlan(params));
}
console.log(table(['kind', 'query', 'matched', 'statement ms', 'facets ms', 'ts_rank ms', 'rest ms', 'plan+correct ms'], rows));
console.log(
  '\nfacets = full − without facet counts; ts_rank = without facets − also without rank (sort newest);' +
    '\nrest = match, count(*), the page and its ts_headline; plan+correct = the API-side typo correction and reading of filters.\n',
);
console.log(details.join('\n\n'));

function findNode(node: PlanNode, test: (n: PlanNode) => boolean): PlanNode | undefined {
  if (test(node)) return node;
  for (const c of node.Plans ?? []) {
    const found = findNode(c, test);
    if (found) return found;
  }
  return undefined;
}
/** The node that fills a CTE (its rows are the match set). */
function findCte(node: PlanNode, name: string): PlanNode | undefined {
  return findNode(node, (n) => n['Subplan Name'] === `CTE ${name}`);
}

await client.end();
await conn.close();
await database.stop();
