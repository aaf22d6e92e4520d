/**
 * A bench database with `count` generated recipes and the demo recipes among them, indexed
 * by the PostgreSQL engine's own SQL. Reused across runs: only what is missing is added.
 *
 * The demo recipes carry the tag `judgedTag`, so the judged relevance set can be scoped to
 * them with a filter while every other part of a search (typo correction against the whole
 * vocabulary, matching, ranking, facets) runs over the whole index.
 */
import { connectDatabase, migrateToLatest, sql } from '@yeet/db';
import { createLogger, loadConfig } from '@yeet/platform';
import pg from 'pg';
import { rebuildLexiconSql, upsertDocumentsSql } from '../apps/api/src/search/index-sql.ts';
import { startPlatform } from '../apps/server/src/platform.ts';
import { type BenchDatabase, benchDatabase } from './database.ts';
import { generateRecipes } from './generate.ts';

export const judgedTag = 'zqjudged';

export interface FilledDatabase extends BenchDatabase {
  /** Recipes in search_documents. */
  indexed: number;
  /** Seconds spent now generating and indexing (0 when everything was there). */
  generateSeconds: number;
  indexSeconds: number;
}

export async function filledDatabase(count: number, log: (line: string) => void = console.log): Promise<FilledDatabase> {
  const database = await benchDatabase(`yeet_bench_${count}`);
  const setup = connectDatabase(database.url, { poolMax: 2 });
  await migrateToLatest(setup.db);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();

  // The demo recipes, through the real seed (once per database: it keeps a marker).
  const seeded = (await client.query(`select 1 from app_meta where key = 'demo_seed'`)).rowCount;
  if (!seeded) {
    const t = Date.now();
    const api = await startPlatform(
      // the PostgreSQL engine: the seed only writes; a memory index would be loaded for nothing
      loadConfig({
        PORT: '0',
        DATABASE_URL: database.url,
        ROLE: 'api',
        SEED_DEMO: 'always',
        SEARCH_CACHE_SIZE: '0',
        SEARCH_ENGINE: 'postgres',
      }),
      createLogger({ level: 'error' }),
    );
    await api.stop();
    log(`seeded the demo recipes in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  const tagged = await client.query(
    `update recipes r set tags = array_append(r.tags, $1)
     from users u where u.id = r.author_id and u.issuer = 'urn:yeet:demo' and not ($1 = any(r.tags))`,
    [judgedTag],
  );

  let started = Date.now();
  const added = await generateRecipes(client, count);
  const generateSeconds = added > 0 ? (Date.now() - started) / 1000 : 0;
  if (added > 0) log(`generated ${added} recipes in ${generateSeconds.toFixed(1)} s; indexing…`);
  let indexSeconds = 0;
  if (added > 0 || (tagged.rowCount ?? 0) > 0) {
    started = Date.now();
    await upsertDocumentsSql(sql`true`).execute(setup.db);
    await rebuildLexiconSql().execute(setup.db);
    await client.query('vacuum analyze');
    indexSeconds = (Date.now() - started) / 1000;
    log(`indexed in ${indexSeconds.toFixed(1)} s`);
  }
  const indexed = Number((await client.query('select count(*) from search_documents')).rows[0].count);
  await client.end();
  await setup.close();
  return { ...database, indexed, generateSeconds, indexSeconds };
}

if (import.meta.main) {
  // npm exec -- node bench/fill.ts 1000000   (DATABASE_URL: a server the bench may fill)
  for (const n of (process.argv[2] ?? '100000').split(',').map(Number)) {
    const filled = await filledDatabase(n);
    console.log(`yeet_bench_${n}: ${filled.indexed} indexed`);
    await filled.stop();
  }
}
