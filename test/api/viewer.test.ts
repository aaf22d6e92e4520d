import { Code } from '@connectrpc/connect';
import { UserService } from '@yeet/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectCode, recipeInput } from '../support/recipes.ts';

/** UserService.GetViewer: the person's parts of a page every reader shares (docs/decisions/0033). */
let t: TestPlatform;
let recipeId: string;
beforeAll(async () => {
  t = await startTestPlatform();
  const author = t.recipes('vera', ['author']);
  const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'Viewer soup' }) });
  await author.submitRecipe({ id: recipe!.id });
  await t.recipes('erin', ['editor']).approveRecipe({ id: recipe!.id });
  recipeId = recipe!.id;
});
afterAll(() => t?.stop());

describe('GetViewer', () => {
  it('answers the caller and their own rating of the recipe, and nobody else’s', async () => {
    await t.recipes('rita').rateRecipe({ recipeId, stars: 4, review: 'Rita’s words' });
    const rita = await t.client(UserService, 'rita').getViewer({ recipeId });
    expect(rita.user?.displayName).toBeTruthy();
    expect(rita.myRating).toMatchObject({ recipeId, stars: 4, review: 'Rita’s words' });

    const sam = await t.client(UserService, 'sam').getViewer({ recipeId });
    expect(sam.user?.id).not.toBe(rita.user?.id);
    expect(sam.myRating).toBeUndefined();
    expect(JSON.stringify(sam, (_, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('Rita’s words');
  });

  it('without a recipe is GetMe', async () => {
    const users = t.client(UserService, 'rita');
    const [viewer, me] = await Promise.all([users.getViewer({}), users.getMe({})]);
    expect(viewer.user).toEqual(me.user);
    expect(viewer.myRating).toBeUndefined();
  });

  it('refuses visitors and names a malformed recipe id', async () => {
    await expectCode(t.client(UserService).getViewer({ recipeId }), Code.Unauthenticated);
    await expectCode(t.client(UserService, 'rita').getViewer({ recipeId: 'soup' }), Code.InvalidArgument);
  });
});
