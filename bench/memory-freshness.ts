/**
 * Where write → searchable goes with the memory engine: the bench's write (a recipe created,
 * submitted, then approved — the clock starts before the approval) split into the approval's
 * request, the index job (queued, picked up, its transaction committed: the document visible
 * in search_documents), the change notice reaching a listener, and the memory index finding it.
 *
 *   DATABASE_URL=… npm exec -- node bench/memory-freshness.ts --recipes 100000 --writes 30
 *
 * Runs on the database bench/search.ts filled (yeet_bench_<N>); the API (SEARCH_ENGINE=memory)
 * and the worker run in this process, as two roles of one platform would.
 */
import { parseArgs } from 'node:util';
import { createClient, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { Difficulty, MealType, RecipeService, SearchService } from '@yeet/contract';
import { listen } from '@yeet/db';
import { createLogger, loadConfig } from '@yeet/platform';
import pg from 'pg';
import { searchChangedChannel } from '../apps/api/src/search/postgres.engine.ts';
import { startPlatform } from '../apps/server/src/platform.ts';
import { filledDatabase } from './fill.ts';
import { percentiles, table } from './stats.ts';

const { values: args } = parseArgs({
  options: { recipes: { type: 'string', default: '100000' }, writes: { type: 'string', default: '30' } },
});
const database = await filledDatabase(Number(args.recipes));
const logger = createLogger({ level: 'warn' });
const settings = { PORT: '0', DATABASE_URL: database.url, DEV_AUTH: 'true', SEED_DEMO: 'never', SEARCH_CACHE_SIZE: '0' };
const worker = await startPlatform(loadConfig({ ...settings, ROLE: 'worker', SEARCH_ENGINE: 'postgres' }), logger);
const api = await startPlatform(loadConfig({ ...settings, ROLE: 'api', SEARCH_ENGINE: 'memory' }), logger);
for (;;) {
  if ((await fetch(`${api.url}/readyz`)).status === 200) break;
  await new Promise((r) => setTimeout(r, 50));
}

const transport = (user?: string, roles?: string) => {
  const identify: Interceptor = (next) => (req) => {
    if (user) req.header.set('x-yeet-dev-user', user);
    if (roles) req.header.set('x-yeet-dev-roles', roles);
    return next(req);
  };
  return createConnectTransport({
    baseUrl: `${api.url}/api`,
    httpVersion: '1.1',
    useBinaryFormat: true,
    interceptors: [identify],
  });
};
const author = createClient(RecipeService, transport('bench-author', 'author'));
const editor = createClient(RecipeService, transport('bench-editor', 'editor'));
const search = createClient(SearchService, transport());
const probe = new pg.Client({ connectionString: database.url });
await probe.connect();
let notified = 0;
const listener = listen(database.url, searchChangedChannel, {
  onNotify: () => {
    notified = performance.now();
  },
  onState: () => {},
});
await new Promise((r) => setTimeout(r, 500));

const phases: Record<string, number[]> = {};
const record = (name: string, ms: number) => {
  phases[name] = [...(phases[name] ?? []), ms];
};
const until = async (found: () => Promise<boolean>) => {
  while (!(await found())) await new Promise((r) => setTimeout(r, 1));
  return performance.now();
};
for (let i = 0; i < Number(args.writes); i++) {
  const marker = `zq${Date.now().toString(36)}f${i}`;
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
  // the submission's own index job: out of the way before the clock starts
  await until(
    async () => (await probe.query(`select 1 from graphile_worker.jobs where task_identifier = 'search.index'`)).rowCount === 0,
  );
  notified = 0;
  const t0 = performance.now();
  await editor.approveRecipe({ id: recipe!.id });
  const approved = performance.now();
  const [indexed, found] = await Promise.all([
    until(async () => (await probe.query('select 1 from search_documents where recipe_id = $1', [recipe!.id])).rowCount === 1),
    until(async () => (await search.searchRecipes({ query: `${marker} `, skipFacets: true })).totalSize > 0),
  ]);
  record('approval request', approved - t0);
  record('index job: queued → document committed', indexed - approved);
  record('notice received (after the commit seen)', Math.max(0, notified - indexed));
  record('found by the memory engine (after the commit seen)', found - indexed);
  record('write → searchable', found - t0);
}

console.log(`\n${args.writes} writes on ${database.url.split('/').pop()} (p50 / p95 ms; polling every ~1 ms)`);
console.log(
  table(
    ['phase', 'p50', 'p95'],
    Object.entries(phases).map(([name, ms]) => {
      const p = percentiles(ms);
      return [name, p.p50.toFixed(1), p.p95.toFixed(1)];
    }),
  ),
);
await listener.close();
await probe.end();
await api.stop();
await worker.stop();
await database.stop();
