import { Code } from '@connectrpc/connect';
import { ShoppingListService, UserService, type ShoppingListItem } from '@yeet/contract';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectCode, recipeInput, violatedFields } from '../support/recipes.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.stop());

let seq = 0;
const person = () => `shopper${++seq}`;
const shopping = (handle: string) => t.client(ShoppingListService, handle);

/** A published recipe for 4 with these ingredients. */
async function recipeWith(ingredients: Array<{ quantity?: number; unit: string; item: string; note: string }>) {
  const author = t.recipes(`author${++seq}`, ['author']);
  const { recipe } = await author.createRecipe({ recipe: recipeInput({ ingredientSections: [{ name: '', ingredients }] }) });
  await author.submitRecipe({ id: recipe!.id });
  await t.recipes('erin', ['editor']).approveRecipe({ id: recipe!.id });
  return recipe!;
}

/** The list as a person reads it: "aisle: amount item [x]" per line, in order. */
async function read(handle: string): Promise<string[]> {
  const { aisles } = await shopping(handle).getShoppingList({});
  return aisles.flatMap((a) =>
    a.items.map((i) => `${a.aisle}: ${[i.amountText, i.item].filter(Boolean).join(' ')}${i.checked ? ' [x]' : ''}`),
  );
}

const find = async (handle: string, item: string): Promise<ShoppingListItem> => {
  const { aisles } = await shopping(handle).getShoppingList({});
  const found = aisles.flatMap((a) => a.items).find((i) => i.item === item);
  if (!found) throw new Error(`no ${item} on the list`);
  return found;
};

describe('adding recipes', () => {
  it('scales to the servings chosen, merges the same ingredient and remembers the recipes', async () => {
    const me = person();
    const soup = await recipeWith([
      { quantity: 200, unit: 'g', item: 'onions', note: 'chopped' },
      { quantity: 1, unit: 'tbsp', item: 'olive oil', note: '' },
      { unit: '', item: 'salt', note: 'to taste' },
    ]);
    const stew = await recipeWith([
      { quantity: 0.25, unit: 'kg', item: 'Onion', note: 'sliced' },
      { quantity: 2, unit: 'tsp', item: 'olive oil', note: '' },
      { quantity: 2, unit: '', item: 'onions', note: '' },
    ]);
    // soup for 4 as written; stew for 8 (twice its 4)
    await shopping(me).addRecipeToShoppingList({ recipeId: soup.id, servings: 4 });
    const { items } = await shopping(me).addRecipeToShoppingList({ recipeId: stew.id, servings: 8 });
    expect(items.map((i) => `${i.amountText} ${i.item}`)).toEqual(['700 g onions', '7 tsp olive oil', '4 onions']);
    // 200 g + 0.25 kg × 2 by weight; 1 tbsp + 2 tsp × 2 = 35 ml, not a whole number of tbsp; counted onions apart
    expect(await read(me)).toEqual(['produce: 700 g onions', 'produce: 4 onions', 'pantry: 7 tsp olive oil', 'spices: salt']);
    const onions = await find(me, 'onions');
    expect(onions.quantity).toBe(700);
    expect(onions.unit).toBe('g');
    expect(onions.sources.map((s) => [s.title, s.servings])).toEqual([
      [soup.title, 4],
      [stew.title, 8],
    ]);
    expect((await find(me, 'salt')).sources.map((s) => s.recipeId)).toEqual([soup.id]);
  });

  it('adds again on top: the same recipe twice is twice the amounts', async () => {
    const me = person();
    const recipe = await recipeWith([{ quantity: 1, unit: 'cup', item: 'rice', note: '' }]);
    await shopping(me).addRecipeToShoppingList({ recipeId: recipe.id, servings: 2 });
    await shopping(me).addRecipeToShoppingList({ recipeId: recipe.id, servings: 4 });
    expect(await read(me)).toEqual(['pantry: 1½ cups rice']);
    expect((await find(me, 'rice')).sources).toEqual([expect.objectContaining({ recipeId: recipe.id, servings: 4 })]);
  });

  it('refuses servings out of range, naming the field, and unknown or unseen recipes as not_found', async () => {
    const me = person();
    const recipe = await recipeWith([{ quantity: 1, unit: '', item: 'egg', note: '' }]);
    for (const servings of [0, 101, -3]) {
      const error = await expectCode(
        shopping(me).addRecipeToShoppingList({ recipeId: recipe.id, servings }),
        Code.InvalidArgument,
      );
      expect(violatedFields(error)).toEqual(['servings']);
    }
    for (const recipeId of ['00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      await expectCode(shopping(me).addRecipeToShoppingList({ recipeId, servings: 2 }), Code.NotFound);
    }
    // someone else's draft is not there for me, exactly as an unknown id
    const { recipe: draft } = await t.recipes('drafter', ['author']).createRecipe({ recipe: recipeInput() });
    const error = await expectCode(shopping(me).addRecipeToShoppingList({ recipeId: draft!.id, servings: 2 }), Code.NotFound);
    expect(error.rawMessage).not.toContain(draft!.title);
    expect(await read(me)).toEqual([]);
    // my own draft is mine to shop for
    await shopping('drafter').addRecipeToShoppingList({ recipeId: draft!.id, servings: 4 });
    expect(await read('drafter')).toContain('produce: 800 g tomatoes');
  });
});

describe('editing the list', () => {
  it('adds typed lines, ticks, edits, moves aisles, removes and clears the ticked ones', async () => {
    const me = person();
    const lemons = (await shopping(me).addShoppingListItem({ text: '2 lemons' })).item!;
    expect(lemons).toMatchObject({ item: 'lemons', quantity: 2, unit: '', amountText: '2', aisle: 'produce', version: 1 });
    const roll = (await shopping(me).addShoppingListItem({ text: 'kitchen roll', aisle: 'other' })).item!;
    await shopping(me).addShoppingListItem({ text: '1 lemon' });
    expect(await read(me)).toEqual(['produce: 3 lemons', 'other: kitchen roll']);

    const ticked = (await shopping(me).updateShoppingListItem({ id: lemons.id, checked: true })).item!;
    expect(ticked).toMatchObject({ checked: true, quantity: 3, version: 3 });
    // a ticked line is in the trolley: more lemons are a new line
    await shopping(me).addShoppingListItem({ text: '1 lemon' });
    expect(await read(me)).toEqual(['produce: 3 lemons [x]', 'produce: 1 lemon', 'other: kitchen roll']);

    const edited = (
      await shopping(me).updateShoppingListItem({
        id: roll.id,
        item: 'Kitchen roll (big)',
        quantity: 2,
        aisle: 'pantry',
        note: 'recycled',
      })
    ).item!;
    expect(edited).toMatchObject({ item: 'Kitchen roll (big)', quantity: 2, aisle: 'pantry', note: 'recycled', checked: false });
    // quantity 0 takes the amount (and its unit) away
    expect((await shopping(me).updateShoppingListItem({ id: roll.id, quantity: 0 })).item!.quantity).toBeUndefined();

    expect((await shopping(me).clearCheckedShoppingListItems({})).removedCount).toBe(1);
    expect(await read(me)).toEqual(['produce: 1 lemon', 'pantry: Kitchen roll (big)']);
    await shopping(me).removeShoppingListItem({ id: roll.id });
    expect(await read(me)).toEqual(['produce: 1 lemon']);
    await expectCode(shopping(me).removeShoppingListItem({ id: roll.id }), Code.NotFound);
  });

  it('checks what is typed, naming the field', async () => {
    const me = person();
    // Each call made when its turn comes: a refusal not yet awaited would be an unhandled rejection.
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => shopping(me).addShoppingListItem({ text: '   ' }), 'text'],
      [() => shopping(me).addShoppingListItem({ text: 'x'.repeat(121) }), 'text'],
      [() => shopping(me).addShoppingListItem({ text: 'milk', aisle: 'garden' }), 'aisle'],
      // a minus is refused, not dropped: "-5 g salt" is not 5 g
      [() => shopping(me).addShoppingListItem({ text: '-5 g salt' }), 'text'],
    ];
    for (const [call, field] of cases) expect(violatedFields(await expectCode(call(), Code.InvalidArgument))).toEqual([field]);
    const { item } = await shopping(me).addShoppingListItem({ text: 'milk' });
    for (const [edit, field] of [
      [{ quantity: -1 }, 'quantity'],
      [{ item: '' }, 'item'],
      [{ unit: 'g' }, 'unit'], // a unit without an amount
      [{ aisle: 'garden' }, 'aisle'],
    ] as const) {
      const error = await expectCode(shopping(me).updateShoppingListItem({ id: item!.id, ...edit }), Code.InvalidArgument);
      expect(violatedFields(error)).toEqual([field]);
    }
  });

  it("keeps each person's list to themselves: another's item is not_found, for admins too", async () => {
    const { item } = await shopping('owner-of-list').addShoppingListItem({ text: 'secret chocolate' });
    const admin = t.client(ShoppingListService, 'shop-admin', ['admin']);
    await expectCode(admin.updateShoppingListItem({ id: item!.id, checked: true }), Code.NotFound);
    await expectCode(admin.removeShoppingListItem({ id: item!.id }), Code.NotFound);
    expect((await admin.getShoppingList({})).aisles).toEqual([]);
    expect(await read('owner-of-list')).toEqual(['pantry: secret chocolate']);
  });
});

describe('two devices', () => {
  it('never lose an addition made at the same time', async () => {
    const me = person();
    const recipes = await Promise.all(
      Array.from({ length: 6 }, () => recipeWith([{ quantity: 100, unit: 'g', item: 'butter', note: '' }])),
    );
    // a phone and a laptop adding at once, and typed lines in between
    await Promise.all([
      ...recipes.map((r) => shopping(me).addRecipeToShoppingList({ recipeId: r.id, servings: 4 })),
      ...Array.from({ length: 4 }, () => shopping(me).addShoppingListItem({ text: '50 g butter' })),
    ]);
    const butter = await find(me, 'butter');
    expect(butter.quantity).toBe(800);
    expect(butter.sources).toHaveLength(6);
  });

  it('the last write to a line wins, field by field', async () => {
    const me = person();
    const phone = shopping(me);
    const laptop = shopping(me);
    const { item } = await phone.addShoppingListItem({ text: '6 eggs' });
    // the laptop renames the line, the phone ticks it: both writes stay, each on its own field
    await laptop.updateShoppingListItem({ id: item!.id, item: 'free-range eggs' });
    await phone.updateShoppingListItem({ id: item!.id, checked: true });
    expect(await find(me, 'free-range eggs')).toMatchObject({ checked: true, quantity: 6, version: 3 });
    // both change the amount: the later write is what the list says
    await laptop.updateShoppingListItem({ id: item!.id, quantity: 12 });
    await phone.updateShoppingListItem({ id: item!.id, quantity: 10 });
    expect(await find(me, 'free-range eggs')).toMatchObject({ quantity: 10, version: 5 });
    // one removes the line, the other then ticks it: it stays removed, and says so
    await laptop.removeShoppingListItem({ id: item!.id });
    await expectCode(phone.updateShoppingListItem({ id: item!.id, checked: false }), Code.NotFound);
  });
});

describe('account deletion', () => {
  it('takes the whole list with it, recipes it came from staying', async () => {
    const me = person();
    const recipe = await recipeWith([{ quantity: 2, unit: '', item: 'limes', note: '' }]);
    await shopping(me).addRecipeToShoppingList({ recipeId: recipe.id, servings: 4 });
    await shopping(me).addShoppingListItem({ text: 'tortilla chips' });
    const { user } = await t.client(UserService, me).getMe({});
    const db = new pg.Client({ connectionString: t.database.url });
    await db.connect();
    try {
      const count = async () =>
        (await db.query('select count(*)::int as n from shopping_list_items where user_id = $1', [user!.id])).rows[0].n;
      expect(await count()).toBe(2);
      await t.client(UserService, me).deleteMyAccount({});
      expect(await count()).toBe(0);
      const { rows } = await db.query('select count(*)::int as n from shopping_list_item_sources where recipe_id = $1', [
        recipe.id,
      ]);
      expect(rows[0].n).toBe(0);
      await t.recipes().getRecipe({ key: { case: 'id', value: recipe.id } });
    } finally {
      await db.end();
    }
  });
});
