import { Code, createClient } from '@connectrpc/connect';
import { RecipeService, UserService } from '@yeet/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcFlow } from '../support/oidc.ts';
import { bearerTransport, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectCode, recipeInput } from '../support/recipes.ts';
import { recordStatements } from '../support/statements.ts';

/** UserService.GetViewer: the person's parts of a page every reader shares (docs/decisions/0033). */
const sessionSecret = 'test-session-secret-that-is-long-enough-0123456789';
let t: TestPlatform;
let recipeId: string;
beforeAll(async () => {
  t = await startTestPlatform({ SESSION_SECRET: sessionSecret });
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

  /** A person signed up at the built-in issuer, calling with their access token (as a browser's session does). */
  const signedUp = async (name: string) => {
    const { access_token: token } = await oidcFlow(t.baseUrl, t.config, sessionSecret).signUp({
      email: `${name.toLowerCase().replace(' ', '.')}@example.com`,
      password: `${name} long enough password`,
      displayName: name,
    });
    return bearerTransport(t.baseUrl, token);
  };

  it('with a token, reads the person once: the row that identified them is the answer', async () => {
    const transport = await signedUp('Vic Viewer');
    const users = createClient(UserService, transport);
    await createClient(RecipeService, transport).rateRecipe({ recipeId, stars: 5, review: 'Vic’s words' });
    const { user: me } = await users.getMe({});
    const { result: viewer, statements } = await recordStatements(() => users.getViewer({ recipeId }));
    // The same answer as before: the whole account, as GetMe gives it, and the person's rating.
    expect(viewer.user).toEqual(me);
    expect(viewer.user).toMatchObject({ displayName: 'Vic Viewer', email: 'vic.viewer@example.com', passwordSignIn: true });
    expect(viewer.myRating).toMatchObject({ recipeId, stars: 5, review: 'Vic’s words' });
    // One read of the users table (identifying the token's subject), not a second for the answer.
    expect(statements.filter((s) => /from "?users"?\b/i.test(s))).toHaveLength(1);
  });

  it('answers the person as they are now, not as an earlier call found them', async () => {
    const users = createClient(UserService, await signedUp('Wes Viewer'));
    expect((await users.getViewer({})).user?.displayName).toBe('Wes Viewer');
    expect((await users.getMe({})).user?.displayName).toBe('Wes Viewer');
    await users.updateProfile({ displayName: 'Wes Renamed' });
    expect((await users.getViewer({ recipeId })).user?.displayName).toBe('Wes Renamed');
    expect((await users.getMe({})).user?.displayName).toBe('Wes Renamed');
  });

  it('GetMe with a token reads the person once too (every page rendered for a signed-in person asks it)', async () => {
    const users = createClient(UserService, await signedUp('Mo Me'));
    const { result, statements } = await recordStatements(() => users.getMe({}));
    expect(result.user).toMatchObject({ displayName: 'Mo Me', email: 'mo.me@example.com', passwordSignIn: true });
    expect(statements.filter((s) => /from "?users"?\b/i.test(s))).toHaveLength(1);
  });
});
