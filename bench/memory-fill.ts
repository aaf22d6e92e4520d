/**
 * A bench database of `count` generated recipes indexed by the PostgreSQL engine's own SQL,
 * without the demo seed (no platform start): what bench/memory-engine.ts reads its documents
 * from. Reused across runs: only what is missing is added.
 *
 *   DATABASE_URL=… npm exec -- node bench/memory-fill.ts 100000
 */
import { connectDatabase, migrateToLatest } from '@yeet/db';
import pg from 'pg';
import { reindexAll } from '../apps/api/src/search/postgres.engine.ts';
import { type BenchDatabase, benchDatabase } from './database.ts';
import { generateRecipes } from './generate.ts';

export async function memoryBenchDatabase(count: number, log: (line: string) => void = console.error): Promise<BenchDatabase> {
  const database = await benchDatabase(`yeet_bench_memory_${count}`);
  const setup = connectDatabase(database.url, { poolMax: 2 });
  await migrateToLatest(setup.db);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  let started = Date.now();
  const added = await generateRecipes(client, count);
  if (added > 0) {
    log(`generated ${added} recipes in ${((Date.now() - started) / 1000).toFixed(1)} s; indexing…`);
    started = Date.now();
    await reindexAll(setup.db);
    await client.query('vacuum analyze');
    log(`indexed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  await client.end();
  await setup.close();
  return database;
}

if (import.meta.main) {
  for (const n of (process.argv[2] ?? '100000').split(',').map(Number)) {
    const database = await memoryBenchDatabase(n);
    console.log(`yeet_bench_memory_${n} ready`);
    await database.stop();
  }
}
