import { mealSlots, type MealPlanItem, type MealSlot } from '@yeet/domain';
import { sql } from '@yeet/db';
import type { Executor } from './executor.ts';
import { isUuid } from './cursor.ts';

/** An entry of a plan, with its recipe as the plan's owner may see it now. */
export interface MealPlanEntry {
  id: string;
  day: string;
  slot: MealSlot;
  recipe: { id: string; slug: string; title: string; servings: number; available: boolean } | null;
  note: string | null;
  /** null for a note. */
  servings: number | null;
}

/** A recipe planned in a range of days, for the shopping list. */
export interface PlannedRecipe {
  recipeId: string;
  servings: number;
  available: boolean;
}

/** The plan as a person's data export holds it: plain JSON, their own entries and whether a feed exists. */
export interface MealPlanExport {
  entries: Array<{
    day: string;
    slot: string;
    recipeId: string | null;
    recipeTitle: string | null;
    servings: number | null;
    note: string | null;
    createdAt: string;
    updatedAt: string;
  }>;
  calendarFeed: { createdAt: string } | null;
}

const dayText = sql<string>`to_char(meal_plan_entries.day, 'YYYY-MM-DD')`;

/** One person's meal plan: every method takes the owner's id, and touches only their rows. */
export class MealPlanStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  /** The entries from `first` to `last` (days, inclusive), by day, slot and position. */
  async range(userId: string, first: string, last: string): Promise<MealPlanEntry[]> {
    const rows = await this.#select(userId)
      .where('meal_plan_entries.day', '>=', first)
      .where('meal_plan_entries.day', '<=', last)
      .execute();
    return sortEntries(rows.map(toEntry));
  }

  async get(userId: string, id: string): Promise<MealPlanEntry | null> {
    if (!isUuid(id)) return null;
    const row = await this.#select(userId).where('meal_plan_entries.id', '=', id).executeTakeFirst();
    return row ? toEntry(row) : null;
  }

  /** Puts an item last in a day's slot. */
  async add(userId: string, day: string, slot: MealSlot, item: MealPlanItem & { servings?: number | null }): Promise<string> {
    const row = await this.#db
      .insertInto('meal_plan_entries')
      .values({
        user_id: userId,
        day,
        slot,
        position: this.#nextPosition(userId, day, slot),
        recipe_id: item.kind === 'recipe' ? item.recipeId : null,
        servings: item.kind === 'recipe' ? item.servings : null,
        note: item.kind === 'note' ? item.note : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Moves an entry last into another day's slot; false when the person has no such entry. */
  async move(userId: string, id: string, day: string, slot: MealSlot): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.#db
      .updateTable('meal_plan_entries')
      .set({ day, slot, position: this.#nextPosition(userId, day, slot), updated_at: new Date() })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async setServings(userId: string, id: string, servings: number): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.#db
      .updateTable('meal_plan_entries')
      .set({ servings, updated_at: new Date() })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('recipe_id', 'is not', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async setNote(userId: string, id: string, note: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.#db
      .updateTable('meal_plan_entries')
      .set({ note, updated_at: new Date() })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('note', 'is not', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async remove(userId: string, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.#db
      .deleteFrom('meal_plan_entries')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** The feed's token, or null when the person has none. */
  async feedToken(userId: string): Promise<string | null> {
    const row = await this.#db.selectFrom('meal_plan_feeds').select('token').where('user_id', '=', userId).executeTakeFirst();
    return row?.token ?? null;
  }

  /** Makes the person's feed token `token`, replacing any earlier one. */
  async setFeedToken(userId: string, token: string): Promise<void> {
    await this.#db
      .insertInto('meal_plan_feeds')
      .values({ user_id: userId, token, created_at: new Date() })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ token, created_at: new Date() }))
      .execute();
  }

  async revokeFeed(userId: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('meal_plan_feeds').where('user_id', '=', userId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Whose feed a token opens (a person whose account was deleted has none). */
  async feedOwner(token: string): Promise<string | null> {
    const row = await this.#db
      .selectFrom('meal_plan_feeds')
      .innerJoin('users', 'users.id', 'meal_plan_feeds.user_id')
      .select('meal_plan_feeds.user_id')
      .where('meal_plan_feeds.token', '=', token)
      .where('users.deleted_at', 'is', null)
      .executeTakeFirst();
    return row?.user_id ?? null;
  }

  /** Deletes a person's whole plan and feed (their account is being deleted). */
  async deleteAllOf(userId: string): Promise<void> {
    await this.#db.deleteFrom('meal_plan_feeds').where('user_id', '=', userId).execute();
    await this.#db.deleteFrom('meal_plan_entries').where('user_id', '=', userId).execute();
  }

  /** Everything of one person's plan, for their data export. */
  async mealPlanForExport(userId: string): Promise<MealPlanExport> {
    const rows = await this.#db
      .selectFrom('meal_plan_entries')
      .leftJoin('recipes', 'recipes.id', 'meal_plan_entries.recipe_id')
      .select([
        dayText.as('day'),
        'meal_plan_entries.slot',
        'meal_plan_entries.recipe_id',
        'meal_plan_entries.servings',
        'meal_plan_entries.note',
        'meal_plan_entries.created_at',
        'meal_plan_entries.updated_at',
        // the title only of what the person may read: published, or their own
        sql<string | null>`case when recipes.status = 'published' or recipes.author_id = ${userId} then recipes.title end`.as(
          'title',
        ),
      ])
      .where('meal_plan_entries.user_id', '=', userId)
      .orderBy('meal_plan_entries.day')
      .orderBy('meal_plan_entries.position')
      .execute();
    const feed = await this.#db
      .selectFrom('meal_plan_feeds')
      .select('created_at')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return {
      entries: rows.map((r) => ({
        day: r.day,
        slot: r.slot,
        recipeId: r.recipe_id,
        recipeTitle: r.title,
        servings: r.servings,
        note: r.note,
        createdAt: r.created_at.toISOString(),
        updatedAt: r.updated_at.toISOString(),
      })),
      calendarFeed: feed ? { createdAt: feed.created_at.toISOString() } : null,
    };
  }

  #nextPosition(userId: string, day: string, slot: MealSlot) {
    return sql<number>`(select coalesce(max(position) + 1, 0) from meal_plan_entries
      where user_id = ${userId} and day = ${day} and slot = ${slot})`;
  }

  #select(userId: string) {
    return this.#db
      .selectFrom('meal_plan_entries')
      .leftJoin('recipes', 'recipes.id', 'meal_plan_entries.recipe_id')
      .select([
        'meal_plan_entries.id',
        dayText.as('day'),
        'meal_plan_entries.slot',
        'meal_plan_entries.position',
        'meal_plan_entries.recipe_id',
        'meal_plan_entries.servings',
        'meal_plan_entries.note',
        'meal_plan_entries.created_at',
        'recipes.slug',
        'recipes.title',
        sql<number | null>`recipes.servings`.as('recipe_servings'),
        // what the plan's owner may read of a recipe: a published one, or their own
        sql<boolean>`coalesce(recipes.status = 'published' or recipes.author_id = ${userId}, false)`.as('available'),
      ])
      .where('meal_plan_entries.user_id', '=', userId)
      .orderBy('meal_plan_entries.day')
      .orderBy('meal_plan_entries.position')
      .orderBy('meal_plan_entries.created_at')
      .orderBy('meal_plan_entries.id');
  }
}

interface EntryRow {
  id: string;
  day: string;
  slot: string;
  recipe_id: string | null;
  servings: number | null;
  note: string | null;
  slug: string | null;
  title: string | null;
  recipe_servings: number | null;
  available: boolean;
}

function toEntry(row: EntryRow): MealPlanEntry {
  return {
    id: row.id,
    day: row.day,
    slot: row.slot as MealSlot,
    recipe: row.recipe_id
      ? {
          id: row.recipe_id,
          // nothing of a recipe the person may no longer read
          slug: row.available ? (row.slug ?? '') : '',
          title: row.available ? (row.title ?? '') : '',
          servings: row.available ? (row.recipe_servings ?? 0) : 0,
          available: row.available,
        }
      : null,
    note: row.note,
    servings: row.servings,
  };
}

/** By day, then in the slots' order; the query already ordered each slot by position. */
function sortEntries(entries: MealPlanEntry[]): MealPlanEntry[] {
  const rank = (e: MealPlanEntry) => mealSlots.indexOf(e.slot);
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.day < b.e.day ? -1 : a.e.day > b.e.day ? 1 : rank(a.e) - rank(b.e) || a.i - b.i))
    .map(({ e }) => e);
}
