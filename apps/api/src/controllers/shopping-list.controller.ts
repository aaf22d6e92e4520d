import {
  aisleFor,
  assertLineText,
  assertQuantity,
  assertServings,
  byAisle,
  invalidField,
  isAisle,
  isUuid,
  mergeLine,
  mergeTarget,
  notFound,
  parseIngredientLine,
  resourceExhausted,
  scaleAmount,
  shoppingLimits,
  aisles,
  type Aisle,
  type ShoppingAddition,
  type ShoppingLine,
  type SignedInCaller,
} from '@yeet/domain';
import type { DataAccess, Stores } from '../stores/database.ts';
import type { LinePatch } from '../stores/shopping-list.store.ts';
import { canSee } from './recipe.controller.ts';

/** A recipe to put on the list, at the servings wanted. */
export interface AddRecipeInput {
  recipeId: string;
  servings: number;
}

/** What a person changes on a line; fields left out stay as they are. */
export interface LineEdit {
  item?: string;
  /** null: no amount. */
  quantity?: number | null;
  unit?: string;
  note?: string;
  aisle?: string;
  checked?: boolean;
}

/**
 * Each person's shopping list (docs/decisions/0029-shopping-list-merging.md). Everything acts on
 * the caller's own list: the policy table lets any signed-in person in, and the store only
 * ever sees the caller's lines.
 */
export class ShoppingListController {
  readonly #data: DataAccess;

  constructor(data: DataAccess) {
    this.#data = data;
  }

  /** The caller's list, grouped by aisle. */
  async list(caller: SignedInCaller): Promise<ReturnType<typeof byAisle>> {
    return byAisle(await this.#data.stores.shoppingLists.lines(caller.user.id));
  }

  /**
   * Puts a recipe's ingredients on the caller's list, scaled from the recipe's servings to
   * `servings`, each merged into a line of the same ingredient where the rules allow. Returns
   * the lines it added or changed. Joins the caller's transaction when there is one (the meal
   * plan adds a week's recipes as one change).
   */
  async addRecipe(caller: SignedInCaller, input: AddRecipeInput): Promise<ShoppingLine[]> {
    const servings = assertServings(input.servings);
    return this.#data.transaction(async (s) => {
      const recipe = isUuid(input.recipeId) ? await s.recipes.get({ id: input.recipeId }) : null;
      if (!recipe || !canSee(caller, recipe)) throw notFound('Recipe');
      const factor = servings / recipe.servings;
      const additions = recipe.ingredientSections.flatMap((section) =>
        section.ingredients.map((i) => ({ item: i.item, ...scaleAmount({ quantity: i.quantity, unit: i.unit }, factor) })),
      );
      const touched = await this.#addAll(s, caller.user.id, additions);
      for (const id of touched) await s.shoppingLists.addSource(id, recipe.id, servings);
      return this.#linesIn(s, caller.user.id, touched);
    });
  }

  /** A line typed by hand ("2 lemons", "kitchen roll"): read like a recipe's line, merged like one. */
  async addItem(caller: SignedInCaller, text: string, aisle = ''): Promise<ShoppingLine> {
    const typed = assertLineText(text, 'text', shoppingLimits.item, true);
    const parsed = parseIngredientLine(typed);
    const addition: ShoppingAddition & { aisle?: Aisle; note: string } = {
      item: assertLineText(parsed.item || typed, 'text', shoppingLimits.item, true),
      quantity: assertQuantity(parsed.quantity ?? null, 'text'),
      unit: parsed.unit,
      note: assertLineText(parsed.note, 'text', shoppingLimits.note, false),
      ...(aisle ? { aisle: checkAisle(aisle) } : {}),
    };
    return this.#data.transaction(async (s) => {
      const [id] = await this.#addAll(s, caller.user.id, [addition]);
      const [line] = await this.#linesIn(s, caller.user.id, id ? [id] : []);
      if (!line) throw new Error('shopping-list line missing right after adding it');
      return line;
    });
  }

  /** Changes the fields given (tick, untick, rename, amount, aisle); the last write to a line wins. */
  async updateLine(caller: SignedInCaller, id: string, edit: LineEdit): Promise<ShoppingLine> {
    const patch: LinePatch = {};
    if (edit.item !== undefined) patch.item = assertLineText(edit.item, 'item', shoppingLimits.item, true);
    if (edit.quantity !== undefined) patch.quantity = assertQuantity(edit.quantity);
    if (edit.unit !== undefined) patch.unit = assertLineText(edit.unit, 'unit', shoppingLimits.unit, false);
    if (edit.note !== undefined) patch.note = assertLineText(edit.note, 'note', shoppingLimits.note, false);
    if (edit.aisle !== undefined) patch.aisle = checkAisle(edit.aisle);
    if (edit.checked !== undefined) patch.checked = edit.checked;
    return this.#data.transaction(async (s) => {
      const current = await s.shoppingLists.line(caller.user.id, id);
      if (!current) throw notFound('Shopping-list item');
      const quantity = patch.quantity !== undefined ? patch.quantity : current.quantity;
      const unit = patch.unit ?? current.unit;
      // A unit needs an amount ("g" of nothing reads as nothing); clearing the amount clears it.
      if (quantity === null && unit) {
        if (edit.unit?.trim()) throw invalidField('unit', 'needs a quantity; give one or leave the unit empty');
        patch.unit = '';
      }
      if (Object.keys(patch).length) await s.shoppingLists.update(caller.user.id, id, patch);
      const line = await s.shoppingLists.line(caller.user.id, id);
      if (!line) throw notFound('Shopping-list item');
      return line;
    });
  }

  async removeLine(caller: SignedInCaller, id: string): Promise<void> {
    if (!(await this.#data.stores.shoppingLists.remove(caller.user.id, id))) throw notFound('Shopping-list item');
  }

  /** Removes every ticked line; returns how many. */
  async clearChecked(caller: SignedInCaller): Promise<number> {
    return this.#data.stores.shoppingLists.clearChecked(caller.user.id);
  }

  /** Adds in order under the list's lock; returns the ids of the lines added to or created, once each. */
  async #addAll(s: Stores, userId: string, additions: Array<ShoppingAddition & { note?: string; aisle?: Aisle }>) {
    await s.shoppingLists.lock(userId);
    const lines = await s.shoppingLists.lines(userId);
    const touched = new Set<string>();
    const changed = new Map<string, ShoppingAddition>();
    for (const addition of additions) {
      const target = mergeTarget(lines, addition);
      if (target) {
        Object.assign(target, mergeLine(target, addition));
        changed.set(target.id, { item: target.item, quantity: target.quantity, unit: target.unit });
        touched.add(target.id);
        continue;
      }
      if (lines.length >= shoppingLimits.lines) {
        throw resourceExhausted(
          `Your shopping list has ${shoppingLimits.lines} lines, the most it holds; clear the ticked ones or remove some first.`,
        );
      }
      const aisle = addition.aisle ?? aisleFor(addition.item);
      const line = { ...addition, unit: addition.quantity === null ? '' : addition.unit, note: addition.note ?? '', aisle };
      const id = await s.shoppingLists.insert(userId, line);
      lines.push({ ...line, id, checked: false, version: 1, createdAt: new Date(), updatedAt: new Date(), sources: [] });
      touched.add(id);
    }
    for (const [id, amount] of changed) await s.shoppingLists.update(userId, id, amount);
    return [...touched];
  }

  async #linesIn(s: Stores, userId: string, ids: readonly string[]): Promise<ShoppingLine[]> {
    const lines = await s.shoppingLists.lines(userId);
    return ids.map((id) => lines.find((l) => l.id === id)).filter((l): l is ShoppingLine => l !== undefined);
  }
}

function checkAisle(value: string): Aisle {
  if (!isAisle(value)) throw invalidField('aisle', `choose one of: ${aisles.join(', ')}`);
  return value;
}
