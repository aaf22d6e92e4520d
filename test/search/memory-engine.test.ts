import { connectDatabase, listen, sql, type DatabaseHandle, type Listener } from '@yeet/db';
import { createTestDatabase, type TestDatabase } from '@yeet/db/testing';
import { parseSearchText, recipeCard, type SearchFilter, type SearchSort } from '@yeet/domain';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { searchChangedChannel } from '../../apps/api/src/search/postgres.engine.ts';
import { MemorySearchEngine } from '../../apps/api/src/search/memory/memory.engine.ts';
import { PostgresSearchEngine } from '../../apps/api/src/search/postgres.engine.ts';
import { RecipeStore } from '../../apps/api/src/stores/recipe.store.ts';
import type { EngineQuery, EngineResult } from '../../apps/api/src/search/engine.ts';
import { generateRecipes } from '../../bench/generate.ts';

// The memory engine must answer exactly as the PostgreSQL one (same hits in the same order,
// same totals and facet counts), and follow writes made through any engine instance.
let database: TestDatabase;
let handle: DatabaseHandle;
let postgres: PostgresSearchEngine;
let memory: MemorySearchEngine;
/** A second API process on the same database. */
let other: MemorySearchEngine;
let listener: Listener;
const stop = new AbortController();

beforeAll(async () => {
  database = await createTestDatabase(inject('testDatabaseServer'));
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await generateRecipes(client, 1500);
  await client.end();
  handle = connectDatabase(database.url, { poolMax: 4 });
  postgres = new PostgresSearchEngine(handle.db);
  await postgres.reindexAll();
  memory = new MemorySearchEngine(handle.db);
  other = new MemorySearchEngine(handle.db, { pollMs: 60_000 });
  await Promise.all([memory.start(stop.signal), other.start(stop.signal)]);
  // as apps/server does: a notice makes the other process catch up
  listener = listen(database.url, searchChangedChannel, { onNotify: () => void other.changed(), onState: () => {} });
  await new Promise((r) => setTimeout(r, 300));
}, 180_000);
afterAll(async () => {
  stop.abort();
  await listener?.close();
  await handle?.close();
  await database?.drop();
});

const none: SearchFilter = {
  cuisines: [],
  mealTypes: [],
  difficulties: [],
  timeBuckets: [],
  maxTotalMinutes: null,
  tags: [],
  dietaryFlags: [],
};
const filters: SearchFilter[] = [
  none,
  { ...none, cuisines: ['italian', 'thai'] },
  { ...none, mealTypes: ['dinner'], difficulties: ['easy'] },
  { ...none, dietaryFlags: ['vegetarian'], timeBuckets: ['15-to-30', '30-to-60'], tags: ['weeknight'] },
  { ...none, maxTotalMinutes: 30, dietaryFlags: ['vegan', 'gluten-free'] },
];
const texts = [
  '', // browsing
  'chicken ',
  'lasagna ',
  'chicken curry ',
  'garlic prawn pasta ',
  'lamb tagine apricot ',
  'crispy pork bao ',
  'chiken ', // typo
  'risoto ',
  'dumplngs ',
  'lasag', // prefix
  'chick',
  'gochu',
  'chicken c',
  'quick vegan ', // read as filters
  'italian ',
  'aubergine ', // synonyms
  'shrimp ',
  'the ', // only a stop word
  'the chicken',
  'zzzz ',
];
const sorts: SearchSort[] = ['relevance', 'newest', 'top_rated', 'quickest'];

function comparable(r: EngineResult) {
  return {
    // the cards are compared in a test of their own
    hits: r.hits.map(({ recipe: _, ...h }) => h),
    total: r.total,
    facets: [...r.facets].map(([facet, values]) => [facet, [...values].sort()] as const).sort(),
    correctedQuery: r.correctedQuery,
    interpreted: r.interpreted,
  };
}

async function sameAnswers(
  engine: MemorySearchEngine,
  queries: EngineQuery[],
  reference: PostgresSearchEngine = postgres,
): Promise<string[]> {
  const differences: string[] = [];
  for (const q of queries) {
    const [expected, actual] = await Promise.all([reference.search(q), engine.search(q)]);
    try {
      expect(comparable(actual)).toEqual(comparable(expected));
    } catch {
      differences.push(`${JSON.stringify(q.text.text)} ${JSON.stringify(q.filter)} ${q.sort} +${q.offset}`);
    }
  }
  return differences;
}

const allQueries: EngineQuery[] = texts.flatMap((text) =>
  filters.flatMap((filter) =>
    sorts.flatMap((sort) =>
      [0, 20].map((offset) => ({ text: parseSearchText(text), filter, sort, limit: 20, offset, facets: true })),
    ),
  ),
);

describe('the memory search engine', () => {
  it('loads every indexed document', async () => {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from search_documents`.execute(handle.db);
    expect(memory.loaded).toBe(true);
    expect(memory.stats?.documents).toBe(rows[0]!.n);
    expect(rows[0]!.n).toBeGreaterThan(1000);
  });

  it('answers as the PostgreSQL engine: hits in order, highlights, totals, facets, for every kind of query', async () => {
    expect(await sameAnswers(memory, allQueries)).toEqual([]);
  }, 120_000);

  it('ranks as the PostgreSQL engine whether the planner hashes or sorts the alternatives of a word being typed', async () => {
    // ts_rank depends on the order of the query's operands ("c" or "c:*" survives, which
    // completion pairs with "chicken"): the SQL must fix that order, not leave it to the plan
    const queries = ['chicken c', 'c', 'pasta ch', 'crispy po', 'garlic p', 'lamb t'].flatMap((text) =>
      filters.flatMap((filter) =>
        [0, 20].map((offset) => ({
          text: parseSearchText(text),
          filter,
          sort: 'relevance' as const,
          limit: 20,
          offset,
          facets: false,
        })),
      ),
    );
    for (const setting of ['enable_hashagg=off', 'enable_sort=off', 'enable_hashagg=on']) {
      const planned = connectDatabase(`${database.url}?options=${encodeURIComponent(`-c ${setting}`)}`, { poolMax: 1 });
      try {
        expect(await sameAnswers(memory, queries, new PostgresSearchEngine(planned.db)), setting).toEqual([]);
      } finally {
        await planned.close();
      }
    }
  });

  it('answers as the PostgreSQL engine when browsing with one filter (counted from the totals) or a few', async () => {
    const few: SearchFilter[] = [
      { ...none, dietaryFlags: ['vegetarian', 'nut-free'] },
      { ...none, timeBuckets: ['up-to-15', '15-to-30'], maxTotalMinutes: 20 },
      { ...none, maxTotalMinutes: 25 },
      { ...none, tags: ['weeknight', 'family'] },
      { ...none, tags: ['weeknight'], difficulties: ['hard'], maxTotalMinutes: 40 },
      { ...none, cuisines: ['nowhere'] },
    ];
    const queries = ['', 'chicken ', 'chick'].flatMap((text) =>
      few.flatMap((filter) =>
        sorts.flatMap((sort) =>
          [0, 20].map((offset) => ({ text: parseSearchText(text), filter, sort, limit: 20, offset, facets: true })),
        ),
      ),
    );
    expect(await sameAnswers(memory, queries)).toEqual([]);
  }, 120_000);

  it('suggests as the PostgreSQL engine', async () => {
    for (const typed of [
      'ch',
      'chi',
      'chicken c',
      'go',
      'lasag',
      'we',
      'crispy po',
      'zz',
      'chicken lasag',
      'c',
      'no',
      'pasta ch',
    ]) {
      const text = parseSearchText(typed, 'prefix');
      expect(await memory.suggest(text, 8), typed).toEqual(await postgres.suggest(text, 8));
    }
  });

  it('shows each hit as the recipe reads: its card (cover included) from memory, equal to a read of the recipe', async () => {
    const { rows } = await sql<{ id: string; author_id: string }>`
      update recipes set title = 'Chicken Zqcard Soup', version = version + 1
      where id = (select id from recipes where status = 'published' and difficulty is not null order by slug offset 5 limit 1)
      returning id, author_id`.execute(handle.db);
    const { id, author_id } = rows[0]!;
    const image = '00000000-0000-4000-8000-00000000c0de';
    await sql`insert into images (id, owner_id, format, byte_size, width, height, placeholder)
      values (${image}, ${author_id}, 'jpeg', 1000, 1200, 800, '#a0b0c0')`.execute(handle.db);
    await sql`insert into recipe_images (recipe_id, kind, position, image_id) values (${id}, 'cover', 0, ${image})`.execute(
      handle.db,
    );
    await memory.index([id]); // as the image controller does when a cover changes
    const search = (text: string) =>
      memory.search({ text: parseSearchText(text), filter: none, sort: 'relevance', limit: 50, offset: 0, facets: false });
    const found = { hits: [...(await search('zqcard ')).hits, ...(await search('chicken ')).hits] };
    expect(found.hits.map((h) => h.id)).toContain(id);
    const read = await new RecipeStore(handle.db).getPublished(found.hits.map((h) => h.id));
    for (const hit of found.hits) {
      const r = read.get(hit.id)!;
      expect(hit.recipe).toEqual(recipeCard(r));
    }
    expect(found.hits.find((h) => h.id === id)?.recipe?.cover).toEqual({
      id: image,
      width: 1200,
      height: 800,
      placeholder: '#a0b0c0',
    });
  });

  it('asks PostgreSQL to mark only the texts its own parser must split, and marks them as the PostgreSQL engine does', async () => {
    const { rows } = await sql<{ id: string }>`
      update recipes set title = 'Zqsplit Chicken x2', summary = 'Serves 3-4, e.g. with zqsplit rice.', version = version + 1
      where id = (select id from recipes where status = 'published' and difficulty is not null order by slug offset 3 limit 1)
      returning id`.execute(handle.db);
    await memory.index([rows[0]!.id]);
    const queries = ['zqsplit ', 'zqsplit chicken ', 'zqspl'].map((text) => ({
      text: parseSearchText(text),
      filter: none,
      sort: 'relevance' as const,
      limit: 5,
      offset: 0,
      facets: true,
    }));
    expect(await sameAnswers(memory, queries)).toEqual([]);
    expect((await memory.search(queries[0]!)).hits[0]?.summary.some((f) => f.matched && f.text === 'zqsplit')).toBe(true);
    for (const typed of ['zqsp', 'zqsplit chicken x']) {
      const text = parseSearchText(typed, 'prefix');
      expect(await memory.suggest(text, 8), typed).toEqual(await postgres.suggest(text, 8));
    }
  });

  it('finds a recipe published through one process in the other within the bound, and forgets it once unpublished', async () => {
    const { rows } = await sql<{ id: string }>`
      update recipes set title = 'Zqmarker Stew', version = version + 1
      where id = (select id from recipes where status = 'published' and difficulty is not null order by slug limit 1)
      returning id`.execute(handle.db);
    const id = rows[0]!.id;
    const find = (engine: MemorySearchEngine) =>
      engine.search({ text: parseSearchText('zqmarker '), filter: none, sort: 'relevance', limit: 5, offset: 0, facets: false });
    expect((await find(other)).total).toBe(0);

    const written = performance.now();
    await memory.index([id]);
    // the writing process sees its own write as soon as the write returns
    expect((await find(memory)).hits.map((h) => h.id)).toEqual([id]);
    let seen = 0;
    while ((await find(other)).total === 0) {
      expect(performance.now() - written, 'the other process never saw the write').toBeLessThan(2_000);
      await new Promise((r) => setTimeout(r, 2));
    }
    seen = performance.now() - written;
    expect(seen).toBeLessThan(2_000);

    await sql`update recipes set status = 'archived' where id = ${id}`.execute(handle.db);
    await memory.index([id]);
    expect((await find(memory)).total).toBe(0);
    const gone = performance.now();
    while ((await find(other)).total > 0) {
      expect(performance.now() - gone, 'the other process kept the unpublished recipe').toBeLessThan(2_000);
      await new Promise((r) => setTimeout(r, 2));
    }
  });

  it('neither corrects nor leaves out of completions a word indexed a moment ago: its vocabulary learns with the change', async () => {
    const { rows } = await sql<{ id: string }>`
      update recipes set title = 'Lasagnaq Pie', version = version + 1
      where id = (select id from recipes where status = 'published' and difficulty is not null order by slug offset 7 limit 1)
      returning id`.execute(handle.db);
    const id = rows[0]!.id;
    const query = (text: string) => ({
      text: parseSearchText(text),
      filter: none,
      sort: 'relevance' as const,
      limit: 20,
      offset: 0,
      facets: true,
    });
    // both engines' vocabularies were loaded before the word existed: one edit from "lasagna", it would be corrected
    for (const engine of [memory, other]) await engine.search(query('chiken '));
    await memory.index([id]);
    const started = performance.now();
    // until the other process has the recipe (not any hit: before it learns the word, the query is corrected to "lasagna")
    while (!(await other.search(query('lasagnaq '))).hits.some((h) => h.id === id)) {
      expect(performance.now() - started, 'the other process never saw the write').toBeLessThan(10_000);
      await new Promise((r) => setTimeout(r, 2));
    }
    for (const engine of [memory, other]) {
      const exact = await engine.search(query('lasagnaq '));
      expect(exact.correctedQuery).toBeNull();
      expect(exact.hits.map((h) => h.id)).toEqual([id]);
    }
    const typing = ['lasagn', 'lasagnaq', 'pie lasag', 'chick', 'c'].map(query);
    expect(await sameAnswers(memory, typing)).toEqual([]);
    expect(await sameAnswers(other, typing)).toEqual([]);
  });

  it('catches up without a notice (a lost one) on its own schedule', async () => {
    const polling = new MemorySearchEngine(handle.db, { pollMs: 100 });
    const own = new AbortController();
    await polling.start(own.signal);
    try {
      const { rows } = await sql<{ id: string }>`
        select id from recipes where status = 'published' and difficulty is not null order by slug desc limit 1`.execute(
        handle.db,
      );
      const id = rows[0]!.id;
      // written behind every engine's back: no notice, straight into search_documents
      await sql`update search_documents set title = 'Quiet', document = to_tsvector('yeet', 'zqquiet') where recipe_id = ${id}`.execute(
        handle.db,
      );
      const started = performance.now();
      const find = () =>
        polling.search({
          text: parseSearchText('zqquiet '),
          filter: none,
          sort: 'relevance',
          limit: 5,
          offset: 0,
          facets: false,
        });
      while ((await find()).total === 0) {
        expect(performance.now() - started).toBeLessThan(3_000);
        await new Promise((r) => setTimeout(r, 20));
      }
      await postgres.index([id]);
    } finally {
      own.abort();
    }
  });

  it('reloads after a reindex and still answers as PostgreSQL', async () => {
    // a process that takes a reindex's many changes as a reason to read everything again
    const bulk = new MemorySearchEngine(handle.db, { pollMs: 60_000, reloadAbove: 10 });
    await bulk.start(stop.signal);
    const before = bulk.stats!.documents;
    await sql`update recipes set status = 'archived' where id in (select id from recipes where status = 'published' order by slug limit 50)`.execute(
      handle.db,
    );
    await memory.reindexAll();
    await other.changed();
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from search_documents`.execute(handle.db);
    expect(rows[0]!.n).toBeLessThan(before);
    expect(memory.stats?.documents).toBe(rows[0]!.n);
    expect(other.stats?.documents).toBe(rows[0]!.n);
    const started = performance.now();
    await bulk.changed();
    while (bulk.stats!.documents !== rows[0]!.n) {
      expect(performance.now() - started, 'the reload never swapped in').toBeLessThan(20_000);
      await new Promise((r) => setTimeout(r, 20));
    }
    const sample = allQueries.filter((_, i) => i % 7 === 0);
    expect(await sameAnswers(memory, sample)).toEqual([]);
    expect(await sameAnswers(other, sample)).toEqual([]);
    expect(await sameAnswers(bulk, sample)).toEqual([]);
  }, 120_000);
});
