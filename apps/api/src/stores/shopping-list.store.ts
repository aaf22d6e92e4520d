import { sql, type ShoppingListItemRow } from '@yeet/db';
import { isAisle, itemKey, type ShoppingAddition, type ShoppingLine } from '@yeet/domain';
import { isUuid } from './cursor.ts';
import type { Executor } from './executor.ts';

/** What a write sets on a line; fields left out stay as they are. */
export interface LinePatch {
  item?: string;
  quantity?: number | null;
  unit?: string;
  note?: string;
  aisle?: string;
  checked?: boolean;
}

/** One person's shopping list as plain JSON, for their data export. */
export interface ShoppingListExport {
  item: string;
  quantity: number | null;
  unit: string;
  note: string;
  aisle: string;
  checked: boolean;
  createdAt: string;
  updatedAt: string;
  recipes: Array<{ recipeId: string; title: string; servings: number }>;
}

/**
 * Shopping-list lines. Every read and write names the list's owner too: someone else's line is
 * simply not there (the caller gets not_found).
 */
export class ShoppingListStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  /**
   * Serialises additions to one person's list until the transaction ends, so two devices adding
   * at once both land (the second sees the first's lines and merges into them).
   */
  async lock(userId: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`shopping-list:${userId}`}, 0))`.execute(this.#db);
  }

  async lines(userId: string): Promise<ShoppingLine[]> {
    const rows = await this.#db
      .selectFrom('shopping_list_items')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return this.#withSources(rows);
  }

  async line(userId: string, id: string): Promise<ShoppingLine | null> {
    if (!isUuid(id)) return null;
    const rows = await this.#db
      .selectFrom('shopping_list_items')
      .selectAll()
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .execute();
    return (await this.#withSources(rows))[0] ?? null;
  }

  async #withSources(rows: ShoppingListItemRow[]): Promise<ShoppingLine[]> {
    const sources = rows.length
      ? await this.#db
          .selectFrom('shopping_list_item_sources as s')
          .innerJoin('recipes as r', 'r.id', 's.recipe_id')
          .select(['s.item_id', 's.recipe_id', 's.servings', 'r.title', 'r.slug'])
          .where(
            's.item_id',
            'in',
            rows.map((r) => r.id),
          )
          .orderBy('s.added_at')
          .execute()
      : [];
    return rows.map((row) => ({
      id: row.id,
      item: row.item,
      quantity: row.quantity,
      unit: row.unit,
      note: row.note,
      aisle: isAisle(row.aisle) ? row.aisle : 'other',
      checked: row.checked,
      version: row.version,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      sources: sources
        .filter((s) => s.item_id === row.id)
        .map((s) => ({ recipeId: s.recipe_id, title: s.title, slug: s.slug, servings: s.servings })),
    }));
  }

  async count(userId: string): Promise<number> {
    const row = await this.#db
      .selectFrom('shopping_list_items')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insert(userId: string, line: ShoppingAddition & { note: string; aisle: string }): Promise<string> {
    const row = await this.#db
      .insertInto('shopping_list_items')
      .values({
        user_id: userId,
        item: line.item,
        item_key: itemKey(line.item),
        quantity: line.quantity,
        unit: line.unit,
        note: line.note,
        aisle: line.aisle,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Writes the fields given and bumps the version; false when the person has no such line. */
  async update(userId: string, id: string, patch: LinePatch): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.#db
      .updateTable('shopping_list_items')
      .set((eb) => ({
        ...patch,
        ...(patch.item !== undefined ? { item_key: itemKey(patch.item) } : {}),
        version: eb('version', '+', 1),
        updated_at: new Date(),
      }))
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Records that a line came from a recipe (again: at these servings now). */
  async addSource(itemId: string, recipeId: string, servings: number): Promise<void> {
    await this.#db
      .insertInto('shopping_list_item_sources')
      .values({ item_id: itemId, recipe_id: recipeId, servings, added_at: new Date() })
      .onConflict((oc) => oc.columns(['item_id', 'recipe_id']).doUpdateSet({ servings, added_at: new Date() }))
      .execute();
  }

  async remove(userId: string, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.#db
      .deleteFrom('shopping_list_items')
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Removes the ticked lines; returns how many. */
  async clearChecked(userId: string): Promise<number> {
    const result = await this.#db
      .deleteFrom('shopping_list_items')
      .where('user_id', '=', userId)
      .where('checked', '=', true)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** The whole list, with account deletion. */
  async deleteAllOf(userId: string): Promise<void> {
    await this.#db.deleteFrom('shopping_list_items').where('user_id', '=', userId).execute();
  }

  /** One person's list as plain JSON (for the data export). */
  async shoppingListForExport(userId: string): Promise<ShoppingListExport[]> {
    return (await this.lines(userId)).map((l) => ({
      item: l.item,
      quantity: l.quantity,
      unit: l.unit,
      note: l.note,
      aisle: l.aisle,
      checked: l.checked,
      createdAt: l.createdAt.toISOString(),
      updatedAt: l.updatedAt.toISOString(),
      recipes: l.sources.map((s) => ({ recipeId: s.recipeId, title: s.title, servings: s.servings })),
    }));
  }
}
