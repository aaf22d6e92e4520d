import { Code } from '@connectrpc/connect';
import { Difficulty, type Recipe, RecipeStatus } from '@yeet/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectCode, recipeInput, violatedFields } from '../support/recipes.ts';

let t: TestPlatform;
beforeAll(async () => {
  // Twenty creates at once: on a busy machine the overload bound's expected-wait refusal
  // (HTTP_QUEUE_WAIT_MS) would turn some away, which is not what these tests are about.
  t = await startTestPlatform({ HTTP_QUEUE_WAIT_MS: '0' });
});
afterAll(() => t?.stop());

const author = () => t.recipes('alice', ['author']);
const otherAuthor = () => t.recipes('bob', ['author']);
const editor = () => t.recipes('erin', ['editor']);
const anonymous = () => t.recipes();

/** The recipe a call must have returned; the test fails here when it is missing. */
const recipeOf = (response: { recipe?: Recipe }) => response.recipe ?? expect.unreachable('the call returned no recipe');

async function draft(title?: string) {
  return recipeOf(await author().createRecipe({ recipe: recipeInput(title ? { title } : {}) }));
}

describe('CreateRecipe', () => {
  it('creates a draft owned by the caller with a slug from the title', async () => {
    const { recipe } = await author().createRecipe({ recipe: recipeInput({ title: 'Crème Brûlée for Two' }) });
    expect(recipe).toMatchObject({
      slug: 'creme-brulee-for-two',
      status: RecipeStatus.DRAFT,
      author: { displayName: 'alice' },
      version: 1,
      cuisines: ['italian'],
      tags: ['soup', 'weeknight'],
      totalMinutes: 35,
    });
  });

  it('keeps slugs unique by numbering repeats', async () => {
    const a = await draft('Tomato Galette');
    const b = await draft('Tomato Galette');
    const c = await draft('Tomato  galette!');
    expect([a.slug, b.slug, c.slug]).toEqual(['tomato-galette', 'tomato-galette-2', 'tomato-galette-3']);
  });

  it('gives concurrent creates of one title each their own slug', async () => {
    // Each create races the others for the same slugs inside its own transaction.
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => draft('Shakshuka at Dawn')));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    expect(failures).toEqual([]);
    const slugs = results.map((r) => (r.status === 'fulfilled' ? r.value.slug : ''));
    expect(new Set(slugs).size).toBe(20);
    expect(slugs).toContain('shakshuka-at-dawn');
    for (const slug of slugs) expect(slug).toMatch(/^shakshuka-at-dawn(-[0-9a-f]+)?$/);
  });

  it('answers bad input with InvalidArgument naming each field', async () => {
    const bad = recipeInput({
      title: 'x',
      servings: 0,
      ingredientSections: [{ name: '', ingredients: [{ quantity: 1, unit: 'g', item: '', note: '' }] }],
      difficulty: 42,
      cuisines: ['Middle Eastern', 'klingon'],
      totalMinutes: 1,
    });
    const error = await expectCode(author().createRecipe({ recipe: bad }), Code.InvalidArgument);
    // every field at once, the total time (checked across fields) among them
    expect(violatedFields(error).sort()).toEqual(
      [
        'recipe.cuisines[1]',
        'recipe.difficulty',
        'recipe.ingredientSections[0].ingredients[0].item',
        'recipe.servings',
        'recipe.title',
        'recipe.totalMinutes',
      ].sort(),
    );
    expect(error.rawMessage).toContain('recipe.title:');
    expect(error.rawMessage).toMatch(/recipe\.cuisines\[1\]: choose one of: african, .*middle-eastern/);
  });

  it('needs a signed-in author', async () => {
    await expectCode(anonymous().createRecipe({ recipe: recipeInput() }), Code.Unauthenticated);
    await expectCode(t.recipes('uma').createRecipe({ recipe: recipeInput() }), Code.PermissionDenied);
  });
});

describe('GetRecipe', () => {
  it('finds a recipe by id and by slug', async () => {
    const created = await draft();
    expect((await author().getRecipe({ key: { case: 'id', value: created.id } })).recipe?.title).toBe(created.title);
    expect((await author().getRecipe({ key: { case: 'slug', value: created.slug } })).recipe?.id).toBe(created.id);
  });

  it('answers NotFound for unknown, malformed and missing keys', async () => {
    await expectCode(anonymous().getRecipe({ key: { case: 'slug', value: 'no-such-recipe' } }), Code.NotFound);
    await expectCode(
      anonymous().getRecipe({ key: { case: 'id', value: '00000000-0000-0000-0000-000000000000' } }),
      Code.NotFound,
    );
    await expectCode(anonymous().getRecipe({ key: { case: 'id', value: 'not-a-uuid' } }), Code.NotFound);
    await expectCode(anonymous().getRecipe({}), Code.InvalidArgument);
  });

  it('hides drafts from everyone but their author and editors', async () => {
    const created = await draft();
    const key = { key: { case: 'id' as const, value: created.id } };
    await expectCode(anonymous().getRecipe(key), Code.NotFound);
    await expectCode(otherAuthor().getRecipe(key), Code.NotFound);
    expect((await editor().getRecipe(key)).recipe?.id).toBe(created.id);
  });
});

describe('UpdateRecipe', () => {
  it('lets the author edit a draft; the slug stays and the version goes up', async () => {
    const created = await draft('Original Title');
    const { recipe } = await author().updateRecipe({
      id: created.id,
      recipe: recipeInput({ title: 'A Better Title', difficulty: Difficulty.HARD }),
      expectedVersion: created.version,
    });
    expect(recipe).toMatchObject({ slug: 'original-title', title: 'A Better Title', difficulty: Difficulty.HARD, version: 2 });
  });

  it('refuses a stale version', async () => {
    const created = await draft();
    await author().updateRecipe({ id: created.id, recipe: recipeInput() });
    const error = await expectCode(
      author().updateRecipe({ id: created.id, recipe: recipeInput(), expectedVersion: 1 }),
      Code.FailedPrecondition,
    );
    expect(error.rawMessage).toContain('changed by someone else');
  });

  it('refuses other authors, and the author once the recipe is in review', async () => {
    const created = await draft();
    await expectCode(otherAuthor().updateRecipe({ id: created.id, recipe: recipeInput() }), Code.PermissionDenied);
    await author().submitRecipe({ id: created.id });
    await expectCode(author().updateRecipe({ id: created.id, recipe: recipeInput() }), Code.FailedPrecondition);
    // editors may still fix it during review
    expect(
      (await editor().updateRecipe({ id: created.id, recipe: recipeInput({ title: 'Fixed by an editor' }) })).recipe?.status,
    ).toBe(RecipeStatus.IN_REVIEW);
  });

  it('reports NotFound for a recipe that does not exist', async () => {
    await expectCode(author().updateRecipe({ id: '00000000-0000-0000-0000-000000000001', recipe: recipeInput() }), Code.NotFound);
  });
});

describe('the lifecycle through the API', () => {
  it('draft → in review → published → draft → in review → draft (rejected) → … → archived', async () => {
    const r = await draft();
    const id = r.id;
    expect((await author().submitRecipe({ id })).recipe?.status).toBe(RecipeStatus.IN_REVIEW);
    const approved = recipeOf(await editor().approveRecipe({ id }));
    expect(approved.status).toBe(RecipeStatus.PUBLISHED);
    expect(approved.publishTime).toBeDefined();
    expect((await anonymous().getRecipe({ key: { case: 'id', value: id } })).recipe?.status).toBe(RecipeStatus.PUBLISHED);

    const unpublished = recipeOf(await editor().unpublishRecipe({ id, reason: 'Photo needed' }));
    expect(unpublished).toMatchObject({ status: RecipeStatus.DRAFT });
    expect(unpublished.publishTime).toBeUndefined();

    await author().submitRecipe({ id });
    const rejected = recipeOf(await editor().rejectRecipe({ id, reason: 'Say how thick to slice the onions.' }));
    expect(rejected).toMatchObject({ status: RecipeStatus.DRAFT, rejectionReason: 'Say how thick to slice the onions.' });

    await author().submitRecipe({ id });
    expect((await author().getRecipe({ key: { case: 'id', value: id } })).recipe?.rejectionReason).toBe('');
    await editor().approveRecipe({ id });
    expect((await editor().archiveRecipe({ id })).recipe?.status).toBe(RecipeStatus.ARCHIVED);

    const { events } = await author().getRecipeHistory({ id });
    expect(
      events.map((e) => [e.action, RecipeStatus[e.fromStatus], RecipeStatus[e.toStatus], e.actor?.displayName, e.reason]),
    ).toEqual([
      ['create', 'UNSPECIFIED', 'DRAFT', 'alice', ''],
      ['submit', 'DRAFT', 'IN_REVIEW', 'alice', ''],
      ['approve', 'IN_REVIEW', 'PUBLISHED', 'erin', ''],
      ['unpublish', 'PUBLISHED', 'DRAFT', 'erin', 'Photo needed'],
      ['submit', 'DRAFT', 'IN_REVIEW', 'alice', ''],
      ['reject', 'IN_REVIEW', 'DRAFT', 'erin', 'Say how thick to slice the onions.'],
      ['submit', 'DRAFT', 'IN_REVIEW', 'alice', ''],
      ['approve', 'IN_REVIEW', 'PUBLISHED', 'erin', ''],
      ['archive', 'PUBLISHED', 'ARCHIVED', 'erin', ''],
    ]);
  });

  it('refuses illegal transitions with FailedPrecondition and a clear message', async () => {
    const { id } = await draft();
    const error = await expectCode(editor().approveRecipe({ id }), Code.FailedPrecondition);
    expect(error.rawMessage).toBe('This recipe is a draft; only recipes in review can be approved.');
    await expectCode(editor().archiveRecipe({ id }), Code.FailedPrecondition);
    await author().submitRecipe({ id });
    await expectCode(author().submitRecipe({ id }), Code.FailedPrecondition);
  });

  it('needs a reason to reject', async () => {
    const { id } = await draft();
    await author().submitRecipe({ id });
    const error = await expectCode(editor().rejectRecipe({ id, reason: ' ' }), Code.InvalidArgument);
    expect(violatedFields(error)).toEqual(['reason']);
  });

  it('lets only editors review, and only the author submit', async () => {
    const { id } = await draft();
    await expectCode(otherAuthor().submitRecipe({ id }), Code.PermissionDenied);
    await author().submitRecipe({ id });
    await expectCode(author().approveRecipe({ id }), Code.PermissionDenied);
    await expectCode(anonymous().approveRecipe({ id }), Code.Unauthenticated);
  });

  it('refuses to submit an incomplete draft, saying what is missing', async () => {
    const recipe = recipeOf(
      await author().createRecipe({ recipe: recipeInput({ steps: [], difficulty: Difficulty.UNSPECIFIED }) }),
    );
    const error = await expectCode(author().submitRecipe({ id: recipe.id }), Code.FailedPrecondition);
    expect(violatedFields(error).sort()).toEqual(['difficulty', 'steps']);
    expect(error.rawMessage).toContain('add at least one step');
  });
});

describe('DeleteRecipe', () => {
  it('deletes drafts only', async () => {
    const { id } = await draft();
    await author().deleteRecipe({ id });
    await expectCode(author().getRecipe({ key: { case: 'id', value: id } }), Code.NotFound);
    await expectCode(author().deleteRecipe({ id }), Code.NotFound);

    const published = await draft();
    await author().submitRecipe({ id: published.id });
    await editor().approveRecipe({ id: published.id });
    const error = await expectCode(author().deleteRecipe({ id: published.id }), Code.FailedPrecondition);
    expect(error.rawMessage).toContain('only drafts can be deleted');
  });

  it('refuses other people', async () => {
    const { id } = await draft();
    await expectCode(otherAuthor().deleteRecipe({ id }), Code.PermissionDenied);
    await expectCode(editor().deleteRecipe({ id }), Code.PermissionDenied);
  });
});
