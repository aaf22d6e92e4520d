import { Code } from '@connectrpc/connect';
import { DietaryFlag, Difficulty, MealType, RecipeSort, RecipeStatus, type Recipe } from '@yeet/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectCode, recipeInput } from '../support/recipes.ts';

let t: TestPlatform;
const byTitle = new Map<string, Recipe>();

/** A small, known catalogue: each recipe differs in the facets under test. */
const catalogue = [
  {
    title: 'Quick Pasta',
    cuisines: ['italian'],
    mealTypes: [MealType.DINNER],
    difficulty: Difficulty.EASY,
    tags: ['pasta', 'quick'],
    dietaryFlags: [DietaryFlag.VEGETARIAN],
    prepMinutes: 5,
    cookMinutes: 10,
  },
  {
    title: 'Slow Ragu',
    cuisines: ['italian'],
    mealTypes: [MealType.DINNER],
    difficulty: Difficulty.HARD,
    tags: ['pasta'],
    dietaryFlags: [],
    prepMinutes: 30,
    cookMinutes: 180,
  },
  {
    title: 'Miso Soup',
    cuisines: ['japanese'],
    mealTypes: [MealType.LUNCH, MealType.SIDE],
    difficulty: Difficulty.EASY,
    tags: ['soup'],
    dietaryFlags: [DietaryFlag.VEGAN, DietaryFlag.GLUTEN_FREE],
    prepMinutes: 5,
    cookMinutes: 10,
  },
  {
    title: 'Pancakes',
    cuisines: ['american'],
    mealTypes: [MealType.BREAKFAST],
    difficulty: Difficulty.MEDIUM,
    tags: ['sweet'],
    dietaryFlags: [DietaryFlag.VEGETARIAN],
    prepMinutes: 10,
    cookMinutes: 20,
  },
  {
    title: 'Tiramisu',
    cuisines: ['italian'],
    mealTypes: [MealType.DESSERT],
    difficulty: Difficulty.MEDIUM,
    tags: ['sweet', 'make-ahead'],
    dietaryFlags: [DietaryFlag.VEGETARIAN],
    prepMinutes: 40,
    cookMinutes: 0,
  },
];

beforeAll(async () => {
  t = await startTestPlatform();
  const author = t.recipes('alice', ['author']);
  const editor = t.recipes('erin', ['editor']);
  for (const entry of catalogue) {
    const { recipe } = await author.createRecipe({ recipe: recipeInput(entry) });
    await author.submitRecipe({ id: recipe!.id });
    byTitle.set(entry.title, (await editor.approveRecipe({ id: recipe!.id })).recipe!);
  }
  // ratings to sort by: Tiramisu 5★×3, Pancakes 4★×1, Miso 3★×2
  const rate = (title: string, stars: number, n: number) =>
    Promise.all(Array.from({ length: n }, (_, i) => t.recipes(`r${i}`).rateRecipe({ recipeId: byTitle.get(title)!.id, stars })));
  await rate('Tiramisu', 5, 3);
  await rate('Pancakes', 4, 1);
  await rate('Miso Soup', 3, 2);
  // never listed publicly: a draft and a recipe in review
  await author.createRecipe({ recipe: recipeInput({ title: 'Secret Draft', cuisines: ['italian'] }) });
  const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'Waiting Review' }) });
  await author.submitRecipe({ id: recipe!.id });
});
afterAll(() => t?.stop());

const titles = (recipes: Recipe[]) => recipes.map((r) => r.title);
const list = (request: Parameters<ReturnType<TestPlatform['recipes']>['listRecipes']>[0]) => t.recipes().listRecipes(request);

describe('ListRecipes', () => {
  it('shows visitors published recipes only, newest first', async () => {
    const { recipes } = await list({});
    expect(titles(recipes)).toEqual(['Tiramisu', 'Pancakes', 'Miso Soup', 'Slow Ragu', 'Quick Pasta']);
  });

  it.each([
    ['cuisine', { cuisines: ['Italian'] }, ['Tiramisu', 'Slow Ragu', 'Quick Pasta']],
    ['two cuisines (either)', { cuisines: ['japanese', 'american'] }, ['Pancakes', 'Miso Soup']],
    ['meal type', { mealTypes: [MealType.DINNER] }, ['Slow Ragu', 'Quick Pasta']],
    ['difficulty', { difficulties: [Difficulty.MEDIUM] }, ['Tiramisu', 'Pancakes']],
    ['tag', { tags: ['pasta'] }, ['Slow Ragu', 'Quick Pasta']],
    ['dietary (all of them)', { dietaryFlags: [DietaryFlag.VEGETARIAN, DietaryFlag.GLUTEN_FREE] }, ['Miso Soup']],
    [
      'vegan implies vegetarian',
      { dietaryFlags: [DietaryFlag.VEGETARIAN] },
      ['Tiramisu', 'Pancakes', 'Miso Soup', 'Quick Pasta'],
    ],
    ['time limit', { maxTotalMinutes: 15 }, ['Miso Soup', 'Quick Pasta']],
    ['facets combine with AND', { cuisines: ['italian'], tags: ['sweet'] }, ['Tiramisu']],
  ])('filters by %s', async (_name, filter, expected) => {
    expect(titles((await list({ filter })).recipes)).toEqual(expected);
  });

  it('sorts by top rated (weighted) and by quickest', async () => {
    expect(titles((await list({ sort: RecipeSort.TOP_RATED })).recipes).slice(0, 2)).toEqual(['Tiramisu', 'Pancakes']);
    expect(titles((await list({ sort: RecipeSort.QUICKEST })).recipes)).toEqual([
      ...['Quick Pasta', 'Miso Soup'].sort((a, b) => (byTitle.get(a)!.id < byTitle.get(b)!.id ? -1 : 1)),
      'Pancakes',
      'Tiramisu',
      'Slow Ragu',
    ]);
  });

  it.each([RecipeSort.NEWEST, RecipeSort.TOP_RATED, RecipeSort.QUICKEST])(
    'pages by cursor without gaps or repeats (sort %s)',
    async (sort) => {
      const all = titles((await list({ sort })).recipes);
      const paged: string[] = [];
      let pageToken = '';
      do {
        const page = await list({ sort, pageSize: 2, pageToken });
        expect(page.recipes.length).toBeLessThanOrEqual(2);
        paged.push(...titles(page.recipes));
        pageToken = page.nextPageToken;
      } while (pageToken);
      expect(paged).toEqual(all);
    },
  );

  it('refuses a token from another query, a forged token and a bad page size', async () => {
    const first = await list({ pageSize: 2 });
    await expectCode(list({ pageSize: 2, pageToken: first.nextPageToken, sort: RecipeSort.QUICKEST }), Code.InvalidArgument);
    const forged = Buffer.from(JSON.stringify({ q: 'x', k: 'not a date', i: 'x' })).toString('base64url');
    await expectCode(list({ pageToken: forged }), Code.InvalidArgument);
    await expectCode(list({ pageSize: 101 }), Code.InvalidArgument);
    await expectCode(list({ filter: { mealTypes: [MealType.UNSPECIFIED] } }), Code.InvalidArgument);
  });

  it('lists the review queue for editors only', async () => {
    await expectCode(list({ filter: { status: RecipeStatus.IN_REVIEW } }), Code.PermissionDenied);
    const queue = await t.recipes('erin', ['editor']).listRecipes({ filter: { status: RecipeStatus.IN_REVIEW } });
    expect(titles(queue.recipes)).toEqual(['Waiting Review']);
  });

  it('orders the review queue by time waiting, oldest first', async () => {
    const author = t.recipes('olga', ['author']);
    const ids: string[] = [];
    for (const title of ['Queue First', 'Queue Second', 'Queue Third']) {
      const { recipe } = await author.createRecipe({ recipe: recipeInput({ title }) });
      ids.push(recipe!.id);
    }
    // submitted in another order than created: the queue follows submission
    for (const i of [1, 2, 0]) await author.submitRecipe({ id: ids[i]! });
    const queue = await t
      .recipes('erin', ['editor'])
      .listRecipes({ sort: RecipeSort.OLDEST, filter: { status: RecipeStatus.IN_REVIEW } });
    expect(titles(queue.recipes)).toEqual(['Waiting Review', 'Queue Second', 'Queue Third', 'Queue First']);
  });

  it("lists the caller's own recipes in every state with `mine`", async () => {
    await expectCode(list({ filter: { mine: true } }), Code.Unauthenticated);
    const mine = await t.recipes('alice', ['author']).listRecipes({ filter: { mine: true, cuisines: ['italian'] } });
    expect(titles(mine.recipes)).toEqual(['Waiting Review', 'Secret Draft', 'Tiramisu', 'Slow Ragu', 'Quick Pasta']);
    const drafts = await t.recipes('alice', ['author']).listRecipes({ filter: { mine: true, status: RecipeStatus.DRAFT } });
    expect(titles(drafts.recipes)).toEqual(['Secret Draft']);
    expect((await t.recipes('bob', ['author']).listRecipes({ filter: { mine: true } })).recipes).toEqual([]);
  });
});
