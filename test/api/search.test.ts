import { Code, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import {
  DietaryFlag,
  Difficulty,
  MealType,
  SearchService,
  SearchSort,
  TimeBucket,
  type HighlightedText,
  type SearchRecipesResponse,
} from '@yeet/contract';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { SearchRecipesRequestSchema } from '@yeet/contract';
import { connectDatabase } from '@yeet/db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reindexAll } from '../../apps/api/src/search/postgres.engine.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { drained, eventually } from '../support/queue.ts';
import { expectCode, recipeInput } from '../support/recipes.ts';

let api: TestPlatform;
let worker: TestPlatform;
let db: pg.Client;
let search: ReturnType<typeof createClient<typeof SearchService>>;

const ingredients = (...items: string[]) => [
  { name: '', ingredients: items.map((item) => ({ quantity: 1, unit: '', item, note: '' })) },
];

/** A small catalogue where each recipe exists to prove one behaviour. */
const catalogue = [
  {
    title: 'Sourdough Country Loaf',
    cuisines: ['french'],
    mealTypes: [MealType.BREAKFAST, MealType.SIDE],
    tags: ['bread', 'baking'],
    dietaryFlags: [DietaryFlag.VEGAN],
    difficulty: Difficulty.HARD,
    prepMinutes: 60,
    cookMinutes: 45,
    totalMinutes: 1440,
    ingredientSections: ingredients('bread flour', 'water', 'sourdough starter', 'salt'),
  },
  {
    title: 'Beef Lasagna',
    cuisines: ['italian'],
    mealTypes: [MealType.DINNER],
    tags: ['pasta', 'comfort-food'],
    dietaryFlags: [],
    difficulty: Difficulty.MEDIUM,
    prepMinutes: 30,
    cookMinutes: 90,
    ingredientSections: ingredients('lasagne sheets', 'beef mince', 'tomatoes'),
  },
  {
    title: 'Chicken Tikka Masala',
    cuisines: ['indian'],
    mealTypes: [MealType.DINNER],
    tags: ['curry', 'spicy'],
    dietaryFlags: [DietaryFlag.GLUTEN_FREE],
    difficulty: Difficulty.MEDIUM,
    prepMinutes: 20,
    cookMinutes: 30,
    ingredientSections: ingredients('chicken thighs', 'yoghurt', 'garam masala'),
  },
  {
    title: 'Garlic Butter Roast Potatoes',
    summary: 'Crisp potatoes, basted until golden.',
    cuisines: ['british'],
    mealTypes: [MealType.SIDE],
    tags: ['roast'],
    dietaryFlags: [DietaryFlag.GLUTEN_FREE],
    difficulty: Difficulty.EASY,
    prepMinutes: 10,
    cookMinutes: 50,
    ingredientSections: ingredients('potatoes', 'chicken stock', 'garlic', 'butter'),
  },
  {
    title: 'Miso Glazed Aubergine',
    cuisines: ['japanese'],
    mealTypes: [MealType.DINNER],
    tags: ['quick'],
    dietaryFlags: [DietaryFlag.VEGAN, DietaryFlag.GLUTEN_FREE],
    difficulty: Difficulty.EASY,
    prepMinutes: 5,
    cookMinutes: 20,
    ingredientSections: ingredients('aubergines', 'white miso', 'mirin'),
  },
  {
    title: 'Courgette Fritters',
    cuisines: ['greek'],
    mealTypes: [MealType.SNACK],
    tags: ['quick'],
    dietaryFlags: [DietaryFlag.VEGETARIAN],
    difficulty: Difficulty.EASY,
    prepMinutes: 10,
    cookMinutes: 10,
    ingredientSections: ingredients('courgettes', 'feta', 'dill', 'egg'),
  },
  {
    title: 'Green Chutney',
    cuisines: ['indian'],
    mealTypes: [MealType.SIDE],
    tags: ['quick'],
    dietaryFlags: [DietaryFlag.VEGAN],
    difficulty: Difficulty.EASY,
    prepMinutes: 10,
    cookMinutes: 0,
    ingredientSections: ingredients('coriander leaves', 'green chilli', 'lime'),
  },
  {
    title: 'Garlic Prawn Linguine',
    cuisines: ['italian'],
    mealTypes: [MealType.DINNER],
    tags: ['pasta', 'quick'],
    dietaryFlags: [],
    difficulty: Difficulty.EASY,
    prepMinutes: 5,
    cookMinutes: 15,
    ingredientSections: ingredients('linguine', 'king prawns', 'garlic'),
  },
  {
    title: 'Crème Brûlée',
    cuisines: ['french'],
    mealTypes: [MealType.DESSERT],
    tags: ['make-ahead'],
    dietaryFlags: [DietaryFlag.VEGETARIAN, DietaryFlag.GLUTEN_FREE],
    difficulty: Difficulty.MEDIUM,
    prepMinutes: 20,
    cookMinutes: 40,
    totalMinutes: 300,
    ingredientSections: ingredients('double cream', 'egg yolks', 'caster sugar', 'vanilla'),
  },
];

async function publish(input: Record<string, unknown>) {
  const author = api.recipes('alice', ['author']);
  const { recipe } = await author.createRecipe({ recipe: recipeInput(input) });
  await author.submitRecipe({ id: recipe!.id });
  await api.recipes('erin', ['editor']).approveRecipe({ id: recipe!.id });
  return recipe!;
}

beforeAll(async () => {
  api = await startTestPlatform();
  worker = await startTestPlatform({ ROLE: 'worker' }, api.database);
  db = new pg.Client({ connectionString: api.database.url });
  await db.connect();
  search = createClient(SearchService, createConnectTransport({ baseUrl: `${api.baseUrl}/api`, httpVersion: '1.1' }));
  for (const entry of catalogue) await publish({ summary: `${entry.title}, made at home.`, ...entry });
  // never searchable: a draft, and a recipe that was published and then unpublished
  await api.recipes('alice', ['author']).createRecipe({ recipe: recipeInput({ title: 'Secret Chicken Pie' }) });
  const unpublished = await publish({ title: 'Old Chicken Soup' });
  await api.recipes('erin', ['editor']).unpublishRecipe({ id: unpublished.id });
  await drained(db);
  // the lexicon's counts (for completions) come from a rebuild
  await db.query(`select graphile_worker.add_job('search.lexicon')`);
  await drained(db, 'search.lexicon');
});
afterAll(async () => {
  await db?.end();
  await worker?.stop();
  await api?.stop();
});

const run = (request: MessageInitShape<typeof SearchRecipesRequestSchema>) => search.searchRecipes(request);
const titles = (r: SearchRecipesResponse) => r.hits.map((h) => h.recipe?.title);

/**
 * Waits until a search for `query` finds `title` (or no longer does): the index job being done
 * (`drained`) is not enough, the search engine follows the index on its own (its change notice).
 */
async function followed(query: string, title: string, present: boolean) {
  const done = await eventually(async () => titles(await run({ query })).includes(title) === present, 15_000);
  if (!done) throw new Error(`the search engine did not follow: "${title}" ${present ? 'never found' : 'still found'}`);
}
const facet = (r: SearchRecipesResponse, name: string) =>
  Object.fromEntries(
    (r.facets.find((f) => f.name === name)?.values ?? []).filter((v) => v.count > 0).map((v) => [v.value, v.count]),
  );
const plain = (h: HighlightedText | undefined) => (h?.fragments ?? []).map((f) => (f.matched ? `[${f.text}]` : f.text)).join('');

describe('SearchRecipes: matching and relevance', () => {
  it('ranks a title match above a match in the ingredients only', async () => {
    const result = await run({ query: 'chicken ' });
    expect(titles(result)).toEqual(['Chicken Tikka Masala', 'Garlic Butter Roast Potatoes']);
  });

  it('never returns drafts or unpublished recipes', async () => {
    const result = await run({ query: 'chicken pie soup' });
    expect(result.totalSize).toBe(0);
    expect(titles(await run({ query: 'secret' }))).toEqual([]);
  });

  it.each([
    ['sourdouhg', 'Sourdough Country Loaf', 'sourdough'],
    ['lasagnia', 'Beef Lasagna', 'lasagna'],
    ['chiken tikka', 'Chicken Tikka Masala', 'chicken tikka'],
  ])('finds %s despite the typo and says what it understood', async (query, title, corrected) => {
    const result = await run({ query: `${query} ` });
    expect(titles(result)[0]).toBe(title);
    expect(result.correctedQuery).toBe(corrected);
  });

  it('corrects a typo to the close words only, not to every word that shares letters', async () => {
    // "chiken" is one edit from "chicken" and two from "chive": only the first is meant
    const scones = await publish({
      title: 'Chive Scones',
      tags: ['baking'],
      ingredientSections: ingredients('flour', 'chives', 'cheddar'),
    });
    await drained(db);
    await db.query(`select graphile_worker.add_job('search.lexicon')`);
    await drained(db, 'search.lexicon');
    await followed('scones ', 'Chive Scones', true);
    try {
      expect(titles(await run({ query: 'chive ' }))).toEqual(['Chive Scones']);
      const result = await run({ query: 'chiken ' });
      expect(result.correctedQuery).toBe('chicken');
      expect(titles(result)).not.toContain('Chive Scones');
      expect(titles(result)).toContain('Chicken Tikka Masala');
    } finally {
      await api.recipes('erin', ['editor']).unpublishRecipe({ id: scones.id });
      await drained(db);
      await followed('scones ', 'Chive Scones', false);
    }
  });

  it.each([
    ['eggplant', 'Miso Glazed Aubergine'],
    ['zucchini', 'Courgette Fritters'],
    ['cilantro', 'Green Chutney'],
    ['shrimp', 'Garlic Prawn Linguine'],
    ['lasagne', 'Beef Lasagna'],
  ])('knows %s is another name for what a recipe calls something else', async (query, title) => {
    expect(titles(await run({ query: `${query} ` }))).toEqual([title]);
  });

  it('completes the last word while it is being typed', async () => {
    expect(titles(await run({ query: 'lasag' }))).toEqual(['Beef Lasagna']);
    expect(titles(await run({ query: 'garlic pra' }))).toEqual(['Garlic Prawn Linguine']);
  });

  it('ignores accents', async () => {
    expect(titles(await run({ query: 'creme brulee ' }))).toEqual(['Crème Brûlée']);
  });

  it('highlights the matched words in title and summary', async () => {
    const [hit] = (await run({ query: 'tikka ' })).hits;
    expect(plain(hit?.title)).toBe('Chicken [Tikka] Masala');
    expect(plain(hit?.summary)).toContain('[Tikka]');
  });
});

describe('SearchRecipes: query understanding', () => {
  const read = (r: SearchRecipesResponse) => r.interpretedFilters.map((f) => [f.facet, f.value, f.label, f.queryWithout]);

  it('reads words that name a filter as that filter, and says how to remove each', async () => {
    const result = await run({ query: 'quick Gluten-Free aubergine' });
    expect(read(result)).toEqual([
      ['max_total_minutes', '30', 'Quick (30 min or less)', 'Gluten-Free aubergine'],
      ['dietary_flags', 'gluten-free', 'Gluten-free', 'quick aubergine'],
    ]);
    expect(titles(result)).toEqual(['Miso Glazed Aubergine']);
  });

  it.each([
    ['vegan', 3],
    ['vegans', 3],
    ['desserts', 1],
    ['glutenfree', 4],
    ['vegetarian', 5],
  ])('finds exactly the facet for %s, uncorrected', async (query, count) => {
    const result = await run({ query });
    expect(result.totalSize).toBe(count);
    expect(result.correctedQuery).toBe('');
    expect(result.interpretedFilters).toHaveLength(1);
  });

  it('corrects a misspelled filter word to the filter ("vegn" → Vegan)', async () => {
    const result = await run({ query: 'vegn ' });
    expect(result.correctedQuery).toBe('vegan');
    expect(read(result)).toEqual([['dietary_flags', 'vegan', 'Vegan', '']]);
  });

  it('matches the words as text when nothing carries the filters they name', async () => {
    const result = await run({ query: 'vegan lasagna ' });
    expect(result.interpretedFilters).toEqual([]);
    expect(result.totalSize).toBe(0);
    expect(titles(await run({ query: 'french sourdough ' }))).toEqual(['Sourdough Country Loaf']);
  });

  it('never corrects a word indexed after the vocabulary was loaded', async () => {
    await run({ query: 'chiken ' });
    // one edit from "linguine", which the vocabulary knows
    const recipe = await publish({ title: 'Linguini Vongole', ingredientSections: ingredients('linguini', 'clams') });
    await drained(db);
    try {
      await followed('vongole ', 'Linguini Vongole', true);
      const result = await run({ query: 'linguini ' });
      expect(result.correctedQuery).toBe('');
      expect(titles(result)).toEqual(['Linguini Vongole']);
    } finally {
      await api.recipes('erin', ['editor']).unpublishRecipe({ id: recipe.id });
      await drained(db);
      await followed('vongole ', 'Linguini Vongole', false);
    }
  });

  it('returns for a corrected query exactly what the corrected words return', async () => {
    for (const [typo, word] of [
      ['chiken', 'chicken'],
      ['auberigne', 'aubergine'],
      ['linguien', 'linguine'],
    ]) {
      const corrected = await run({ query: typo });
      const direct = await run({ query: word });
      expect(corrected.correctedQuery).toBe(word);
      expect(titles(corrected)).toEqual(titles(direct));
      expect(corrected.totalSize).toBe(direct.totalSize);
    }
  });
});

describe('SearchRecipes: filters and facets', () => {
  it.each([
    ['cuisine', { cuisines: ['Italian'] }, ['Garlic Prawn Linguine', 'Beef Lasagna']],
    ['meal type', { mealTypes: [MealType.DESSERT] }, ['Crème Brûlée']],
    ['difficulty', { difficulties: [Difficulty.HARD] }, ['Sourdough Country Loaf']],
    [
      'time bucket',
      { timeBuckets: [TimeBucket.MINUTES_15_TO_30] },
      ['Garlic Prawn Linguine', 'Courgette Fritters', 'Miso Glazed Aubergine'],
    ],
    ['max time', { maxTotalMinutes: 15 }, ['Green Chutney']],
    ['tag', { tags: ['comfort-food'] }, ['Beef Lasagna']],
    ['diets (all of them)', { dietaryFlags: [DietaryFlag.VEGAN, DietaryFlag.GLUTEN_FREE] }, ['Miso Glazed Aubergine']],
    ['values of one facet (any)', { cuisines: ['greek', 'japanese'] }, ['Courgette Fritters', 'Miso Glazed Aubergine']],
    ['several facets (all)', { cuisines: ['italian', 'indian'], tags: ['quick'] }, ['Garlic Prawn Linguine', 'Green Chutney']],
  ])('filters by %s', async (_name, filter, expected) => {
    const result = await run({ filter, sort: SearchSort.QUICKEST });
    expect(new Set(titles(result))).toEqual(new Set(expected));
    expect(result.totalSize).toBe(expected.length);
  });

  it('counts every value of a facet under the other facets only (disjunctive facets)', async () => {
    const result = await run({ filter: { cuisines: ['italian'], mealTypes: [MealType.DINNER] } });
    expect(result.totalSize).toBe(2);
    // cuisines: counted among dinners, as if no cuisine were chosen
    expect(facet(result, 'cuisines')).toEqual({ italian: 2, indian: 1, japanese: 1 });
    // meal types: counted among Italian recipes
    expect(facet(result, 'meal_types')).toEqual({ dinner: 2 });
    // the rest: counted among Italian dinners
    expect(facet(result, 'difficulty')).toEqual({ easy: 1, medium: 1 });
    expect(facet(result, 'tags')).toEqual({ pasta: 2, quick: 1, 'comfort-food': 1 });
    const chosen = result.facets.find((f) => f.name === 'cuisines')!.values.find((v) => v.value === 'italian');
    expect(chosen).toMatchObject({ selected: true, label: 'Italian' });
  });

  it('counts facets of a text search over its matches', async () => {
    const result = await run({ query: 'garlic ', filter: { mealTypes: [MealType.DINNER] } });
    expect(titles(result)).toEqual(['Garlic Prawn Linguine']);
    expect(facet(result, 'meal_types')).toEqual({ dinner: 1, side: 1 });
  });

  it('browses everything, newest first, with facet totals, when there is no query', async () => {
    const result = await run({});
    expect(result.totalSize).toBe(catalogue.length);
    expect(titles(result)[0]).toBe('Crème Brûlée');
    expect(facet(result, 'dietary_flags')).toMatchObject({ vegan: 3, vegetarian: 5, 'gluten-free': 4, 'dairy-free': 3 });
    const buckets = result.facets.find((f) => f.name === 'time_buckets')!.values.map((v) => v.label);
    expect(buckets).toEqual(['15 min or less', '15–30 min', '30–60 min', '1–2 hours', 'Over 2 hours']);
  });

  it('sorts by top rated and pages with a token', async () => {
    const page1 = await run({ sort: SearchSort.QUICKEST, pageSize: 4 });
    const page2 = await run({ sort: SearchSort.QUICKEST, pageSize: 4, pageToken: page1.nextPageToken });
    const page3 = await run({ sort: SearchSort.QUICKEST, pageSize: 4, pageToken: page2.nextPageToken });
    expect(page3.nextPageToken).toBe('');
    const all = [...titles(page1), ...titles(page2), ...titles(page3)];
    expect(all).toHaveLength(catalogue.length);
    expect(new Set(all).size).toBe(catalogue.length);
    expect(all[0]).toBe('Green Chutney');
  });

  it('jumps to a page by number, as the same pages the token walks', async () => {
    const byToken = await run({ sort: SearchSort.QUICKEST, pageSize: 4 });
    const second = await run({ sort: SearchSort.QUICKEST, pageSize: 4, pageToken: byToken.nextPageToken });
    const byNumber = await run({ sort: SearchSort.QUICKEST, pageSize: 4, page: 2 });
    expect(titles(byNumber)).toEqual(titles(second));
    await expectCode(run({ pageSize: 4, page: 2, pageToken: byToken.nextPageToken }), Code.InvalidArgument);
    await expectCode(run({ pageSize: 4, page: 100_000 }), Code.InvalidArgument);
  });
});

describe('SearchRecipes: any input', () => {
  it.each(['"quoted" AND (chicken | !potato) & <-> :*', "'; drop table recipes; --", '🍕🍝 ñandú 日本語', '\\\\\\', '   '])(
    'answers %j without an error',
    async (query) => {
      const result = await run({ query });
      expect(result.totalSize).toBeGreaterThanOrEqual(0);
    },
  );

  it('refuses a 10 KB query with InvalidArgument', async () => {
    await expectCode(run({ query: 'chicken '.repeat(1300) }), Code.InvalidArgument);
  });

  it('refuses a token from another query', async () => {
    const first = await run({ pageSize: 2 });
    await expectCode(run({ pageSize: 2, query: 'garlic', pageToken: first.nextPageToken }), Code.InvalidArgument);
  });
});

describe('SuggestRecipes', () => {
  it('completes titles and tags as people type', async () => {
    const result = await search.suggestRecipes({ prefix: 'cour' });
    expect(result.recipes.map((r) => r.slug)).toEqual(['courgette-fritters']);
    expect(plain(result.recipes[0]?.highlightedTitle)).toBe('[Courgette] Fritters');
    expect((await search.suggestRecipes({ prefix: 'comf' })).tags).toEqual([
      expect.objectContaining({ tag: 'comfort-food', count: 1 }),
    ]);
    // "p" completes both "prawn" and "potatoes"
    expect(new Set((await search.suggestRecipes({ prefix: 'garlic p' })).recipes.map((r) => r.title))).toEqual(
      new Set(['Garlic Prawn Linguine', 'Garlic Butter Roast Potatoes']),
    );
    expect((await search.suggestRecipes({ prefix: 'garlic pr' })).recipes.map((r) => r.title)).toEqual(['Garlic Prawn Linguine']);
  });

  it('bounds what it accepts', async () => {
    await expectCode(search.suggestRecipes({ prefix: 'x'.repeat(101) }), Code.InvalidArgument);
    await expectCode(search.suggestRecipes({ prefix: 'ab', limit: 50 }), Code.InvalidArgument);
    expect((await search.suggestRecipes({ prefix: '' })).recipes).toEqual([]);
  });
});

describe('the index follows the source of truth', () => {
  it('a recipe becomes searchable once approved, and its rating updates its order', async () => {
    expect((await run({ query: 'zanzibar ' })).totalSize).toBe(0); // cached as "no hits"
    const recipe = await publish({ title: 'Zanzibar Pilau', tags: ['rice'] });
    expect(await eventually(async () => (await run({ query: 'zanzibar ' })).totalSize === 1)).toBe(true);
    await api.recipes('uma').rateRecipe({ recipeId: recipe.id, stars: 5 });
    expect(await eventually(async () => (await run({ query: 'zanzibar ' })).hits[0]?.recipe?.rating?.count === 1)).toBe(true);
  });

  it('enqueues the index job in the same transaction as the write: a rollback enqueues nothing', async () => {
    const { recipe } = await api.recipes('alice', ['author']).createRecipe({ recipe: recipeInput({ title: 'Rolled Back' }) });
    const id = recipe!.id;
    await drained(db);
    const jobs = async () =>
      Number(
        (
          await db.query(
            `select count(*) as n from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
             where t.identifier = 'search.index' and j.payload->>'recipeId' = $1`,
            [id],
          )
        ).rows[0].n,
      );
    await api.platform
      .api!.data.transaction(async (s) => {
        await s.jobs.reindexRecipe(id);
        expect(await jobs()).toBe(0); // not visible outside before commit
        throw new Error('the write failed');
      })
      .catch(() => {});
    expect(await jobs()).toBe(0);
  });

  it('reconciliation repairs a deliberately corrupted index', async () => {
    const lasagna = (await run({ query: 'lasagna ' })).hits[0]!.recipe!;
    const chutney = (await run({ query: 'chutney ' })).hits[0]!.recipe!;
    const draft = (
      await api.recipes('alice', ['author']).createRecipe({ recipe: recipeInput({ title: 'Never Published Stew' }) })
    ).recipe!;
    await drained(db);
    // corrupt: lose one entry, falsify another, add one for a draft
    await db.query(`delete from search_documents where recipe_id = $1`, [lasagna.id]);
    await db.query(`update search_documents set recipe_version = 0, title = 'Wrong' where recipe_id = $1`, [chutney.id]);
    await db.query(
      `insert into search_documents select $1::uuid, title, summary, cuisines, meal_types, difficulty, time_bucket, tags, dietary_flags,
         facet_values, total_minutes, rating_score, published_at, document, title_vector, recipe_version, rating_count, rating_sum, indexed_at
       from search_documents where recipe_id = $2`,
      [draft.id, chutney.id],
    );
    await db.query(`select graphile_worker.add_job('search.reconcile')`);
    await drained(db, 'search.reconcile');
    await drained(db);
    expect(titles(await run({ query: 'lasagna ' }))).toEqual(['Beef Lasagna']);
    expect(titles(await run({ query: 'chutney ' }))).toEqual(['Green Chutney']);
    const rows = await db.query(`select count(*) as n from search_documents where recipe_id = $1`, [draft.id]);
    expect(Number(rows.rows[0].n)).toBe(0);
    // the facet totals followed every repair
    const totals = await db.query(`select count from search_facet_totals where facet = 'all'`);
    const published = await db.query(`select count(*)::int as n from recipes where status = 'published'`);
    expect(totals.rows[0].count).toBe(published.rows[0].n);
  });

  it('rebuilds the whole index and its facet totals in one call, as the seed and a restore need', async () => {
    const before = await run({ pageSize: 7 });
    // a restore empties the documents with TRUNCATE, which no trigger sees: the totals go stale
    await db.query('truncate search_documents');
    await db.query('update search_facet_totals set count = count + 5');
    const connection = connectDatabase(api.database.url, { poolMax: 1 });
    try {
      const published = await db.query(`select count(*)::int as n from recipes where status = 'published'`);
      expect(await reindexAll(connection.db)).toEqual({ indexed: published.rows[0].n });
    } finally {
      await connection.close();
    }
    const after = await run({ pageSize: 8 });
    expect(after.totalSize).toBe(before.totalSize);
    expect(after.facets).toEqual(before.facets);
    expect(titles(await run({ query: 'lasagna', pageSize: 9 }))).toEqual(['Beef Lasagna']);
  });
});
