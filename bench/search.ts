/**
 * Search benchmark: the same query mix through the real RPC server and as raw SQL, side by
 * side in one run, plus suggestions and write→searchable latency.
 *
 *   npm run bench:search [-- --recipes 100000 --rounds 5]
 *   npm run bench:search -- --quality   (the judged relevance set over the demo recipes instead)
 *
 * Uses DATABASE_URL when set (a database it may fill), else an embedded PostgreSQL kept
 * under .data/bench so the generated recipes are reused by later runs.
 */
import { parseArgs } from 'node:util';
import { createClient, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { DietaryFlag, Difficulty, MealType, RecipeService, SearchService, TimeBucket } from '@yeet/contract';
import { connectDatabase, migrateToLatest, sql } from '@yeet/db';
import { parseSearchText } from '@yeet/domain';
import { createLogger, loadConfig } from '@yeet/platform';
import pg from 'pg';
import { searchRequestToDomain } from '../apps/api/src/handlers/search.handler.ts';
import { rebuildLexiconSql, upsertDocumentsSql } from '../apps/api/src/search/index-sql.ts';
import { PostgresSearchEngine } from '../apps/api/src/search/postgres.engine.ts';
import { searchSql } from '../apps/api/src/search/search-sql.ts';
import { startPlatform } from '../apps/server/src/platform.ts';
import { runJudgedSet, summary } from '../test/search/relevance.ts';
import { benchDatabase } from './database.ts';
import { generateRecipes } from './generate.ts';
import { percentiles, table } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    recipes: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '5' },
    quality: { type: 'boolean', default: false },
  },
});
const count = Number(args.recipes);
const rounds = Number(args.rounds);

if (args.quality) {
  // The demo data, seeded by the API as on a first start; searched the moment it reports ready.
  const database = await benchDatabase('yeet_bench_quality');
  const logger = createLogger({ level: 'error' });
  const started = Date.now();
  const api = await startPlatform(
    loadConfig({ PORT: '0', DATABASE_URL: database.url, ROLE: 'api', SEED_DEMO: 'always', SEARCH_CACHE_SIZE: '0' }),
    logger,
  );
  console.log(`API ready in ${((Date.now() - started) / 1000).toFixed(1)} s (demo seeded and indexed on a first run)`);
  const search = createClient(SearchService, createConnectTransport({ baseUrl: `${api.url}/api`, httpVersion: '1.1' }));
  const scores = await runJudgedSet(async (query) => {
    const r = await search.searchRecipes({ query });
    return { titles: r.hits.map((h) => h.recipe?.title ?? ''), total: r.totalSize, corrected: r.correctedQuery };
  });
  console.log(`\nJudged relevance set — ${scores.length} queries over the demo recipes`);
  console.log(
    table(
      ['kind', 'queries', 'recall@10', 'nDCG@10', 'all met'],
      summary(scores).map((s) => [s.kind, String(s.queries), s.recall, s.ndcg, s.passed]),
    ),
  );
  const failed = scores.filter((s) => s.problems.length);
  if (failed.length) console.log(`\nNot met:\n${failed.map((s) => `  ${s.query}: ${s.problems.join('; ')}`).join('\n')}`);
  await api.stop();
  await database.stop();
  process.exit(0);
}

// --- database ---------------------------------------------------------------------------
const database = await benchDatabase(`yeet_bench_${count}`);
const url = database.url;

const setup = connectDatabase(url, { poolMax: 2 });
await migrateToLatest(setup.db);
const client = new pg.Client({ connectionString: url });
await client.connect();
let started = Date.now();
const added = await generateRecipes(client, count);
if (added > 0) {
  console.log(`generated ${added} recipes in ${((Date.now() - started) / 1000).toFixed(1)} s; indexing…`);
  started = Date.now();
  await upsertDocumentsSql(sql`true`).execute(setup.db);
  await rebuildLexiconSql().execute(setup.db);
  await client.query('vacuum analyze');
  console.log(`indexed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
const indexed = Number((await client.query('select count(*) from search_documents')).rows[0].count);
await client.end();
await setup.close();

// --- servers: an API without the result cache, one with it, and a worker ------------------
const logger = createLogger({ level: 'error' });
const base = { PORT: '0', DATABASE_URL: url, DEV_AUTH: 'true', SEED_DEMO: 'never', DATABASE_POOL_MAX: '8' };
const cold = await startPlatform(loadConfig({ ...base, ROLE: 'api', SEARCH_CACHE_SIZE: '0' }), logger);
const warm = await startPlatform(loadConfig({ ...base, ROLE: 'api' }), logger);
const worker = await startPlatform(loadConfig({ ...base, ROLE: 'worker' }), logger);
const raw = connectDatabase(url, { poolMax: 8 });
// plans a query as the API does (corrections, filters read from words) before its SQL
const planner = new PostgresSearchEngine(raw.db);

const clientFor = (baseUrl: string, user?: string, roles?: string) => {
  const identify: Interceptor = (next) => (req) => {
    if (user) req.header.set('x-yeet-dev-user', user);
    if (roles) req.header.set('x-yeet-dev-roles', roles);
    return next(req);
  };
  // binary protobuf, as a service caller would send it (browsers use JSON)
  return createConnectTransport({
    baseUrl: `${baseUrl}/api`,
    httpVersion: '1.1',
    useBinaryFormat: true,
    interceptors: [identify],
  });
};
const coldSearch = createClient(SearchService, clientFor(cold.url));
const warmSearch = createClient(SearchService, clientFor(warm.url));

// --- the query mix ----------------------------------------------------------------------
type Request = Parameters<typeof coldSearch.searchRecipes>[0];
const words = ['chicken', 'lasagna', 'tahini', 'risotto', 'gochujang', 'dumplings', 'curry', 'paella', 'salmon', 'plantain'];
const multi = ['chicken curry', 'garlic prawn pasta', 'miso salmon', 'lamb tagine apricot', 'crispy pork bao', 'lentil dal'];
const typos = ['chiken', 'lasagnia', 'sourdouhg', 'tahinni', 'risoto', 'dumplngs'];
const prefixes = ['lasag', 'chick', 'gochu', 'tagi', 'pae', 'bibim'];
const filters: Array<Request['filter']> = [
  {},
  { cuisines: ['italian'] },
  { mealTypes: [MealType.DINNER], difficulties: [Difficulty.EASY] },
  {
    dietaryFlags: [DietaryFlag.VEGETARIAN],
    timeBuckets: [TimeBucket.MINUTES_15_TO_30, TimeBucket.MINUTES_30_TO_60],
    tags: ['weeknight'],
  },
];
const mix: Request[] = [];
[...words.map((q) => `${q} `), ...multi.map((q) => `${q} `), ...typos.map((q) => `${q} `), ...prefixes].forEach((query, i) => {
  mix.push({ query, filter: filters[i % filters.length] });
});

/** The statements the API runs for a request: the search and the hydration of its hits. */
async function rawSql(request: Request): Promise<number> {
  const domain = searchRequestToDomain(request as never);
  const text = parseSearchText(domain.query);
  const query = {
    text,
    filter: domain.filter,
    sort: domain.sort ?? (text.words.length ? 'relevance' : 'newest'),
    limit: domain.pageSize,
    offset: 0,
    facets: domain.facets,
  } as const;
  const { rows } = await searchSql((await planner.plan(query)).params).execute(raw.db);
  const ids = (rows[0]?.hits ?? []).map((h) => h.id);
  if (ids.length) {
    await raw.db
      .selectFrom('recipes')
      .innerJoin('users', 'users.id', 'recipes.author_id')
      .selectAll('recipes')
      .select('users.display_name as author_name')
      .where('recipes.id', 'in', ids)
      .where('recipes.status', '=', 'published')
      .execute();
  }
  return rows[0]?.total ?? 0;
}

const time = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

// warm up connections, plans and caches of the database
for (const r of mix) {
  await coldSearch.searchRecipes(r);
  await rawSql(r);
}

const samples = { rpc: [] as number[], sql: [] as number[], cached: [] as number[], suggest: [] as number[] };
const perKind = new Map<string, { rpc: number[]; sql: number[] }>();
for (let round = 0; round < rounds; round++) {
  for (const [i, r] of mix.entries()) {
    // alternate which goes first, so neither always runs on a warmer database
    const first = (round + i) % 2 === 0;
    const a = first ? await time(() => coldSearch.searchRecipes(r)) : 0;
    const b = await time(() => rawSql(r));
    const c = first ? 0 : await time(() => coldSearch.searchRecipes(r));
    samples.rpc.push(a + c);
    samples.sql.push(b);
    const kind =
      i < words.length
        ? 'single word'
        : i < words.length + multi.length
          ? 'multi-word'
          : i < words.length + multi.length + typos.length
            ? 'misspelled'
            : 'prefix';
    if (!perKind.has(kind)) perKind.set(kind, { rpc: [], sql: [] });
    perKind.get(kind)!.rpc.push(a + c);
    perKind.get(kind)!.sql.push(b);
  }
}
for (const r of mix) await warmSearch.searchRecipes(r); // fill the cache
for (let round = 0; round < rounds; round++)
  for (const r of mix) samples.cached.push(await time(() => warmSearch.searchRecipes(r)));

const typed = [
  'l',
  'la',
  'las',
  'lasa',
  'lasag',
  'c',
  'ch',
  'chi',
  'chic',
  'chick',
  'chicken c',
  'chicken cu',
  'g',
  'go',
  'goc',
  'gochu',
];
for (const prefix of typed) await coldSearch.suggestRecipes({ prefix });
for (let round = 0; round < rounds; round++)
  for (const prefix of typed) samples.suggest.push(await time(() => coldSearch.suggestRecipes({ prefix })));

// --- write → searchable ------------------------------------------------------------------
const author = createClient(RecipeService, clientFor(cold.url, 'bench-author', 'author'));
const editor = createClient(RecipeService, clientFor(cold.url, 'bench-editor', 'editor'));
const latency: number[] = [];
for (let i = 0; i < 30; i++) {
  const marker = `zq${Date.now().toString(36)}x${i}`;
  const { recipe } = await author.createRecipe({
    recipe: {
      title: `Benchmark ${marker} Stew`,
      summary: 'A stew for measuring.',
      ingredientSections: [{ name: '', ingredients: [{ quantity: 1, unit: '', item: 'onion', note: '' }] }],
      steps: [{ text: 'Cook.' }],
      servings: 2,
      prepMinutes: 5,
      cookMinutes: 10,
      difficulty: Difficulty.EASY,
      mealTypes: [MealType.DINNER],
    },
  });
  await author.submitRecipe({ id: recipe!.id });
  const t0 = performance.now();
  await editor.approveRecipe({ id: recipe!.id });
  for (;;) {
    const found = await warmSearch.searchRecipes({ query: `${marker} `, skipFacets: true });
    if (found.totalSize > 0) break;
    if (performance.now() - t0 > 10_000) throw new Error('recipe never became searchable');
    await new Promise((r) => setTimeout(r, 2));
  }
  latency.push(performance.now() - t0);
}

// --- report -------------------------------------------------------------------------------
const p = (xs: number[]) => percentiles(xs);
const rpc = p(samples.rpc);
const direct = p(samples.sql);
console.log(
  `\nSearch benchmark — ${indexed.toLocaleString('en')} indexed recipes, ${mix.length} queries × ${rounds} rounds, facets on`,
);
console.log(
  table(
    ['measure', 'p50 ms', 'p95 ms', 'p99 ms'],
    [
      ['SearchRecipes via RPC (no result cache)', rpc.p50, rpc.p95, rpc.p99],
      ['same SQL, run directly', direct.p50, direct.p95, direct.p99],
      ['ratio RPC / SQL', rpc.p50 / direct.p50, rpc.p95 / direct.p95, rpc.p99 / direct.p99],
      ['SearchRecipes via RPC, result cache warm', ...Object.values(p(samples.cached))],
      ['SuggestRecipes via RPC (as you type)', ...Object.values(p(samples.suggest))],
      ['write → searchable (approve until found)', ...Object.values(p(latency))],
    ],
  ),
);
console.log('\nBy kind of query (p95 ms):');
console.log(
  table(
    ['kind', 'RPC', 'SQL'],
    [...perKind.entries()].map(([kind, s]) => [kind, p(s.rpc).p95, p(s.sql).p95]),
  ),
);
console.log('\nTargets: SearchRecipes p95 ≤ 10 ms and ≤ 1.5× SQL; SuggestRecipes p95 ≤ 5 ms; write→searchable p95 ≤ 200 ms.');

await Promise.all([cold.stop(), warm.stop(), worker.stop()]);
await raw.close();
await database.stop();
