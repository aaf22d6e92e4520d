import { Code } from '@connectrpc/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectCode, recipeInput, violatedFields } from '../support/recipes.ts';
import { recordStatements } from '../support/statements.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.stop());

async function publishedRecipe() {
  const author = t.recipes('alice', ['author']);
  const { recipe } = await author.createRecipe({ recipe: recipeInput() });
  await author.submitRecipe({ id: recipe!.id });
  await t.recipes('erin', ['editor']).approveRecipe({ id: recipe!.id });
  return recipe!;
}

describe('RateRecipe', () => {
  it('records one rating per user: rating again replaces it', async () => {
    const { id } = await publishedRecipe();
    const first = await t.recipes('uma').rateRecipe({ recipeId: id, stars: 2, review: 'Too salty for me.' });
    expect(first.summary).toEqual(expect.objectContaining({ average: 2, count: 1 }));
    const again = await t.recipes('uma').rateRecipe({ recipeId: id, stars: 5, review: 'Made it again with less salt!' });
    expect(again.summary).toEqual(expect.objectContaining({ average: 5, count: 1 }));
    expect(again.rating).toMatchObject({ stars: 5, review: 'Made it again with less salt!', user: { displayName: 'uma' } });
    await t.recipes('vic').rateRecipe({ recipeId: id, stars: 4 });
    const { recipe } = await t.recipes().getRecipe({ key: { case: 'id', value: id } });
    expect(recipe?.rating).toEqual(expect.objectContaining({ average: 4.5, count: 2 }));
  });

  it('gives the caller their own rating with the list, for the rating widget', async () => {
    const { id } = await publishedRecipe();
    await t.recipes('uma').rateRecipe({ recipeId: id, stars: 3, review: 'Fine.' });
    await t.recipes('vic').rateRecipe({ recipeId: id, stars: 5 });
    expect((await t.recipes('uma').listRatings({ recipeId: id })).myRating).toMatchObject({ stars: 3, review: 'Fine.' });
    expect((await t.recipes('wes').listRatings({ recipeId: id })).myRating).toBeUndefined();
    expect((await t.recipes().listRatings({ recipeId: id })).myRating).toBeUndefined();
  });

  it('reads the recipe without its photos (a recipe page asks for both on every render)', async () => {
    const { id } = await publishedRecipe();
    await t.recipes('uma').rateRecipe({ recipeId: id, stars: 4 });
    const { result, statements } = await recordStatements(() => t.recipes().listRatings({ recipeId: id }));
    expect(result.ratings.map((r) => r.stars)).toEqual([4]);
    expect(result.summary).toEqual(expect.objectContaining({ count: 1, average: 4 }));
    expect(statements.filter((s) => /from "recipes"/.test(s))).toHaveLength(1);
    expect(statements.filter((s) => /recipe_images/.test(s))).toEqual([]);
  });

  it('keeps the summary exact under concurrent ratings', async () => {
    const { id } = await publishedRecipe();
    const raters = Array.from({ length: 12 }, (_, i) => `rater${i}`);
    await Promise.all(raters.map((r, i) => t.recipes(r).rateRecipe({ recipeId: id, stars: (i % 5) + 1 })));
    const { summary } = await t.recipes().listRatings({ recipeId: id });
    const expected = raters.reduce((sum, _, i) => sum + (i % 5) + 1, 0) / raters.length;
    expect(summary).toEqual(expect.objectContaining({ count: 12, average: Math.round(expected * 100) / 100 }));
  });

  it('validates stars and review length', async () => {
    const { id } = await publishedRecipe();
    for (const stars of [0, 6, -1]) {
      const error = await expectCode(t.recipes('uma').rateRecipe({ recipeId: id, stars }), Code.InvalidArgument);
      expect(violatedFields(error)).toEqual(['stars']);
    }
    const error = await expectCode(
      t.recipes('uma').rateRecipe({ recipeId: id, stars: 3, review: 'x'.repeat(2001) }),
      Code.InvalidArgument,
    );
    expect(violatedFields(error)).toEqual(['review']);
  });

  it('needs a signed-in user who is not the author, and a published recipe', async () => {
    const { id } = await publishedRecipe();
    await expectCode(t.recipes().rateRecipe({ recipeId: id, stars: 5 }), Code.Unauthenticated);
    await expectCode(t.recipes('alice', ['author']).rateRecipe({ recipeId: id, stars: 5 }), Code.PermissionDenied);

    const { recipe } = await t.recipes('alice', ['author']).createRecipe({ recipe: recipeInput() });
    await expectCode(t.recipes('uma').rateRecipe({ recipeId: recipe!.id, stars: 5 }), Code.NotFound);
    await expectCode(t.recipes('erin', ['editor']).rateRecipe({ recipeId: recipe!.id, stars: 5 }), Code.FailedPrecondition);
    await expectCode(t.recipes('uma').rateRecipe({ recipeId: 'nope', stars: 5 }), Code.NotFound);
  });
});

describe('ListRatings', () => {
  it('pages through ratings newest first without gaps or repeats', async () => {
    const { id } = await publishedRecipe();
    for (let i = 0; i < 7; i++) await t.recipes(`p${i}`).rateRecipe({ recipeId: id, stars: 4, review: `review ${i}` });
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await t.recipes().listRatings({ recipeId: id, pageSize: 3, pageToken });
      seen.push(...page.ratings.map((r) => r.review));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toEqual(['review 6', 'review 5', 'review 4', 'review 3', 'review 2', 'review 1', 'review 0']);
  });

  it('refuses a page size out of range and a forged token', async () => {
    const { id } = await publishedRecipe();
    await expectCode(t.recipes().listRatings({ recipeId: id, pageSize: 1000 }), Code.InvalidArgument);
    await expectCode(t.recipes().listRatings({ recipeId: id, pageToken: 'garbage' }), Code.InvalidArgument);
  });
});
