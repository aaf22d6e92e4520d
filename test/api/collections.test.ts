import { Code } from '@connectrpc/connect';
import { CollectionService, RecipeStatus, UserService } from '@yeet/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectCode, recipeInput, violatedFields } from '../support/recipes.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.stop());

const collections = (handle: string, roles: string[] = []) => t.client(CollectionService, handle, roles);
const missing = '00000000-0000-4000-8000-000000000000';
/** A response as text, to check what it does not contain. */
const text = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? String(v) : v));

let seq = 0;
/** A recipe by a fresh author, published unless `draft`. */
async function recipe(options: { by?: string; draft?: boolean; title?: string } = {}) {
  const by = options.by ?? `author${++seq}`;
  const author = t.recipes(by, ['author']);
  const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: options.title ?? `Soup number ${++seq}` }) });
  if (!options.draft) {
    await author.submitRecipe({ id: recipe!.id });
    await t.recipes('erin', ['editor']).approveRecipe({ id: recipe!.id });
  }
  return recipe!;
}

describe('Favourites', () => {
  it('is there for everyone, saves and unsaves with one call each, and cannot be renamed or deleted', async () => {
    const soup = await recipe();
    const me = collections('fay');
    const { collections: before } = await me.listCollections({});
    expect(before).toEqual([expect.objectContaining({ name: 'Favourites', favourites: true, recipeCount: 0 })]);

    const saved = await me.saveRecipe({ recipeId: soup.id, saved: true });
    expect(saved).toMatchObject({ saved: true, favourites: { recipeCount: 1 } });
    // saving twice is no second copy
    expect((await me.saveRecipe({ recipeId: soup.id, saved: true })).favourites?.recipeCount).toBe(1);
    expect((await me.listSavedRecipes({})).recipes).toEqual([
      expect.objectContaining({ recipeId: soup.id, slug: soup.slug, favourite: true, collectionIds: [before[0]!.id] }),
    ]);

    const unsaved = await me.saveRecipe({ recipeId: soup.id, saved: false });
    expect(unsaved).toMatchObject({ saved: false, favourites: { recipeCount: 0 } });
    expect((await me.listSavedRecipes({})).recipes).toEqual([]);

    const favourites = before[0]!.id;
    await expectCode(me.renameCollection({ id: favourites, name: 'Loved' }), Code.FailedPrecondition);
    await expectCode(me.deleteCollection({ id: favourites }), Code.FailedPrecondition);
    expect((await me.listCollections({})).collections).toHaveLength(1);
  });
});

describe('collections', () => {
  it('are created, renamed and deleted by their owner; a recipe can be in several', async () => {
    const me = collections('gus');
    const { collection: weeknight } = await me.createCollection({ name: '  Weeknight  ' });
    expect(weeknight).toMatchObject({ name: 'Weeknight', favourites: false, recipeCount: 0, shareToken: '' });
    const { collection: christmas } = await me.createCollection({ name: 'Christmas' });

    const soup = await recipe();
    await me.addRecipeToCollection({ collectionId: weeknight!.id, recipeId: soup.id });
    await me.addRecipeToCollection({ collectionId: christmas!.id, recipeId: soup.id });
    await me.saveRecipe({ recipeId: soup.id, saved: true });
    const [saved] = (await me.listSavedRecipes({})).recipes;
    expect(saved?.collectionIds).toHaveLength(3);

    const list = (await me.listCollections({})).collections.map((c) => [c.name, c.recipeCount]);
    expect(list).toEqual([
      ['Favourites', 1],
      ['Christmas', 1],
      ['Weeknight', 1],
    ]);

    const { collection: renamed } = await me.renameCollection({ id: weeknight!.id, name: 'School nights' });
    expect(renamed?.name).toBe('School nights');
    await me.removeRecipeFromCollection({ collectionId: christmas!.id, recipeId: soup.id });
    await me.deleteCollection({ id: christmas!.id });
    expect((await me.listCollections({})).collections.map((c) => c.name)).toEqual(['Favourites', 'School nights']);
    // the recipe itself is untouched
    expect((await t.recipes().getRecipe({ key: { case: 'id', value: soup.id } })).recipe?.title).toBe(soup.title);
  });

  it('have names unique per person, letter case ignored, and checked', async () => {
    const me = collections('hal');
    await me.createCollection({ name: 'Weeknight' });
    await expectCode(me.createCollection({ name: 'weeknight' }), Code.AlreadyExists);
    await expectCode(me.createCollection({ name: 'favourites' }), Code.AlreadyExists);
    // another person may use the name
    await collections('ida').createCollection({ name: 'Weeknight' });
    for (const name of ['', '   ', 'x'.repeat(61), 'tab\u0007']) {
      const error = await expectCode(me.createCollection({ name }), Code.InvalidArgument);
      expect(violatedFields(error)).toEqual(['name']);
    }
    const { collection } = await me.createCollection({ name: 'Sundays' });
    await expectCode(me.renameCollection({ id: collection!.id, name: 'WEEKNIGHT' }), Code.AlreadyExists);
  });

  it('show a recipe that is no longer published as unavailable, its title only to its author', async () => {
    const owner = 'jan';
    const mine = await recipe({ by: owner, draft: true, title: 'My secret stew' });
    const theirs = await recipe({ title: 'Soon archived soup' });
    const unpublished = await recipe({ title: 'Soon unpublished pie' });
    const me = collections(owner, ['author']);
    const { collection } = await me.createCollection({ name: 'Mixed' });
    for (const r of [mine, theirs, unpublished]) await me.addRecipeToCollection({ collectionId: collection!.id, recipeId: r.id });
    await t.recipes('erin', ['editor']).archiveRecipe({ id: theirs.id, reason: 'Duplicate of another soup' });
    await t.recipes('erin', ['editor']).unpublishRecipe({ id: unpublished.id, reason: 'Needs better photos' });

    const { entries } = await me.getCollection({ id: collection!.id });
    expect(entries).toHaveLength(3);
    const byId = new Map(entries.map((e) => [e.recipeId, e]));
    expect(byId.get(mine.id)).toMatchObject({
      available: false,
      recipe: { title: 'My secret stew', status: RecipeStatus.DRAFT },
    });
    expect(byId.get(theirs.id)).toMatchObject({ available: false });
    expect(byId.get(theirs.id)?.recipe).toBeUndefined();
    expect(byId.get(unpublished.id)?.recipe).toBeUndefined();
    expect(text(entries)).not.toMatch(/Soon archived|Soon unpublished/);

    // shared, even the owner's own draft is only a place
    const { collection: shared } = await me.shareCollection({ id: collection!.id });
    const read = await t.client(CollectionService).getSharedCollection({ token: shared!.shareToken });
    expect(read.name).toBe('Mixed');
    expect(read.entries.map((e) => [e.available, e.recipeId, e.recipe?.title])).toEqual([
      [false, '', undefined],
      [false, '', undefined],
      [false, '', undefined],
    ]);
    expect(text(read)).not.toMatch(/secret stew|Soon archived|Soon unpublished/);
  });

  it('take published recipes and the caller’s own drafts, nothing else', async () => {
    const me = collections('kim', ['author', 'editor']);
    const { collection } = await me.createCollection({ name: 'Ideas' });
    const ownDraft = await recipe({ by: 'kim', draft: true });
    await me.addRecipeToCollection({ collectionId: collection!.id, recipeId: ownDraft.id });
    const othersDraft = await recipe({ draft: true });
    // an editor sees someone else's draft, but it is not for saving
    await expectCode(
      me.addRecipeToCollection({ collectionId: collection!.id, recipeId: othersDraft.id }),
      Code.FailedPrecondition,
    );
    // anyone else does not even learn it exists
    const plain = collections('lou');
    await expectCode(plain.saveRecipe({ recipeId: othersDraft.id, saved: true }), Code.NotFound);
    await expectCode(plain.saveRecipe({ recipeId: missing, saved: true }), Code.NotFound);
    await expectCode(plain.saveRecipe({ recipeId: 'not-an-id', saved: true }), Code.NotFound);
  });

  it('are their owner’s alone: another person, admins included, gets not_found as for an unknown id', async () => {
    const soup = await recipe();
    const owner = collections('max');
    const { collection } = await owner.createCollection({ name: 'Private' });
    await owner.addRecipeToCollection({ collectionId: collection!.id, recipeId: soup.id });
    const id = collection!.id;
    for (const other of [collections('ned'), collections('ola', ['admin'])]) {
      for (const call of [
        () => other.getCollection({ id }),
        () => other.renameCollection({ id, name: 'Mine now' }),
        () => other.deleteCollection({ id }),
        () => other.addRecipeToCollection({ collectionId: id, recipeId: soup.id }),
        () => other.removeRecipeFromCollection({ collectionId: id, recipeId: soup.id }),
        () => other.shareCollection({ id }),
        () => other.unshareCollection({ id }),
        () => other.getCollection({ id: missing }),
        () => other.getCollection({ id: 'nope' }),
      ]) {
        const error = await expectCode(call(), Code.NotFound);
        expect(error.rawMessage).toBe('Collection was not found. Check the id or slug.');
      }
    }
    expect((await owner.getCollection({ id })).entries).toHaveLength(1);
    expect((await owner.getCollection({ id })).collection?.name).toBe('Private');
    await expectCode(owner.addRecipeToCollection({ collectionId: id, recipeId: missing }), Code.NotFound);
    await expectCode(t.client(CollectionService).listCollections({}), Code.Unauthenticated);
  });
});

describe('sharing', () => {
  it('gives an unguessable link anyone can read, with the published recipes’ cards, until it is unshared', async () => {
    const soup = await recipe({ title: 'Shared tomato soup' });
    const me = collections('pat');
    const { collection } = await me.createCollection({ name: 'For the family' });
    await me.addRecipeToCollection({ collectionId: collection!.id, recipeId: soup.id });
    const { collection: shared } = await me.shareCollection({ id: collection!.id });
    const token = shared!.shareToken;
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // sharing again keeps the link already sent
    expect((await me.shareCollection({ id: collection!.id })).collection?.shareToken).toBe(token);

    const visitor = t.client(CollectionService);
    const read = await visitor.getSharedCollection({ token });
    expect(read.name).toBe('For the family');
    expect(read.entries).toEqual([
      expect.objectContaining({
        recipeId: soup.id,
        available: true,
        recipe: expect.objectContaining({ title: 'Shared tomato soup' }),
      }),
    ]);
    // the reader learns nothing of the owner or the collection's id
    expect(text(read)).not.toContain(collection!.id);
    expect(text(read)).not.toContain('pat');

    const { collection: unshared } = await me.unshareCollection({ id: collection!.id });
    expect(unshared?.shareToken).toBe('');
    await expectCode(visitor.getSharedCollection({ token }), Code.NotFound);
    const { collection: again } = await me.shareCollection({ id: collection!.id });
    expect(again?.shareToken).not.toBe(token);
    await expectCode(visitor.getSharedCollection({ token }), Code.NotFound);
    await expectCode(visitor.getSharedCollection({ token: 'x' }), Code.NotFound);
    await expectCode(visitor.getSharedCollection({ token: 'A'.repeat(32) }), Code.NotFound);
  });
});

describe('the data export and account deletion', () => {
  it('export every collection as plain JSON, without the share token; deleting the account deletes them', async () => {
    const soup = await recipe({ title: 'Exported soup' });
    const me = collections('quin');
    await me.saveRecipe({ recipeId: soup.id, saved: true });
    const { collection } = await me.createCollection({ name: 'Later' });
    const { collection: shared } = await me.shareCollection({ id: collection!.id });
    const { user } = await t.client(UserService, 'quin').getMe({});
    const { collections: store } = t.platform.api!.data.stores;
    const exported = await store.collectionsForExport(user!.id);
    expect(JSON.parse(JSON.stringify(exported))).toEqual([
      expect.objectContaining({
        name: 'Favourites',
        favourites: true,
        shared: false,
        recipes: [expect.objectContaining({ recipeId: soup.id, slug: soup.slug, title: 'Exported soup' })],
      }),
      expect.objectContaining({ name: 'Later', favourites: false, shared: true, recipes: [] }),
    ]);
    expect(text(exported)).not.toContain(shared!.shareToken);

    await t.client(UserService, 'quin').deleteMyAccount({});
    expect(await store.collectionsForExport(user!.id)).toEqual([]);
  });
});
