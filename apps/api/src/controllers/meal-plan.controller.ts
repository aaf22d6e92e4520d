import { randomBytes } from 'node:crypto';
import {
  addDays,
  failedPrecondition,
  invalidField,
  isUuid,
  mealSlots,
  notFound,
  parseDay,
  parsePlanNote,
  parsePlanServings,
  today,
  weekOf,
  type MealPlanItem,
  type MealSlot,
  type SignedInCaller,
  type Week,
  type WeekStart,
} from '@yeet/domain';
import { renderCalendar } from '../calendar/icalendar.ts';
import type { DataAccess } from '../stores/database.ts';
import type { MealPlanEntry, MealPlanExport } from '../stores/meal-plan.store.ts';

/** Adds one recipe's ingredients to the caller's shopping list at some servings, merged by the list's rules. */
export interface ShoppingListAdder {
  addRecipe(caller: SignedInCaller, input: { recipeId: string; servings: number }): Promise<unknown>;
}

export interface MealPlanWeek extends Week {
  entries: MealPlanEntry[];
}

/** What the calendar feed holds: from four weeks back to twelve weeks ahead of the day it is fetched. */
export const feedWindow = { daysBack: 28, daysAhead: 84 } as const;

const feedToken = () => randomBytes(32).toString('base64url');
const isFeedToken = (token: string) => /^[A-Za-z0-9_-]{32,64}$/.test(token);

/**
 * A person's meal plan. Every method acts on the caller's own plan (the policy table lets any
 * signed-in person through; the store scopes each statement to the caller's id), so someone
 * else's entry is simply not found.
 */
export class MealPlanController {
  readonly #data: DataAccess;
  readonly #shopping: ShoppingListAdder;
  readonly #publicUrl: string;
  readonly #now: () => Date;

  constructor(data: DataAccess, options: { shopping: ShoppingListAdder; publicUrl: string; now?: () => Date }) {
    this.#data = data;
    this.#shopping = options.shopping;
    this.#publicUrl = options.publicUrl.replace(/\/+$/, '');
    this.#now = options.now ?? (() => new Date());
  }

  /** The week holding `day` (today when empty). */
  async week(caller: SignedInCaller, day: string, start: WeekStart): Promise<MealPlanWeek> {
    const week = weekOf(day ? parseDay(day, 'date') : today(this.#now()), start);
    const entries = await this.#data.stores.mealPlans.range(caller.user.id, week.start, week.end);
    return { ...week, entries };
  }

  async add(
    caller: SignedInCaller,
    input: { day: string; slot: MealSlot | undefined; recipeId: string; note: string; servings: number },
  ): Promise<MealPlanEntry> {
    const day = parseDay(input.day, 'date');
    const slot = requireSlot(input.slot);
    let item: MealPlanItem & { servings?: number | null };
    if (input.recipeId && input.note) throw invalidField('note', 'give either a recipe id or a note, not both');
    if (input.recipeId) {
      if (!isUuid(input.recipeId)) throw invalidField('recipeId', 'must be a recipe id (a UUID)');
      const servings = input.servings === 0 ? null : parsePlanServings(input.servings);
      const recipe = await this.#data.stores.recipes.get({ id: input.recipeId });
      // someone else's draft is as unknown as a recipe that does not exist
      if (!recipe || (recipe.status !== 'published' && recipe.author.id !== caller.user.id)) throw notFound('Recipe');
      item = { kind: 'recipe', recipeId: recipe.id, servings: servings ?? recipe.servings };
    } else if (input.note) {
      if (input.servings !== 0) throw invalidField('servings', 'a note has no servings; leave it out (0)');
      item = { kind: 'note', note: parsePlanNote(input.note) };
    } else {
      throw invalidField('recipeId', 'give a recipe id or a note');
    }
    const id = await this.#data.stores.mealPlans.add(caller.user.id, day, slot, item);
    return this.#entry(caller, id);
  }

  async move(caller: SignedInCaller, id: string, day: string, slot: MealSlot | undefined): Promise<MealPlanEntry> {
    const to = parseDay(day, 'date');
    const toSlot = requireSlot(slot);
    if (!(await this.#data.stores.mealPlans.move(caller.user.id, id, to, toSlot))) throw notFound('Meal plan entry');
    return this.#entry(caller, id);
  }

  async update(caller: SignedInCaller, id: string, change: { servings?: number; note?: string }): Promise<MealPlanEntry> {
    if (change.servings === undefined && change.note === undefined) {
      throw invalidField('servings', 'give the new servings (a recipe) or note (a note)');
    }
    const plans = this.#data.stores.mealPlans;
    const entry = await plans.get(caller.user.id, id);
    if (!entry) throw notFound('Meal plan entry');
    if (change.servings !== undefined) {
      const servings = parsePlanServings(change.servings);
      if (!entry.recipe) throw failedPrecondition('This entry is a note; only a planned recipe has servings.');
      await plans.setServings(caller.user.id, id, servings);
    }
    if (change.note !== undefined) {
      const note = parsePlanNote(change.note);
      if (entry.recipe) throw failedPrecondition('This entry is a recipe; only a note has text to change.');
      await plans.setNote(caller.user.id, id, note);
    }
    return this.#entry(caller, id);
  }

  async remove(caller: SignedInCaller, id: string): Promise<void> {
    if (!(await this.#data.stores.mealPlans.remove(caller.user.id, id))) throw notFound('Meal plan entry');
  }

  /**
   * Every recipe planned in the week, at its servings, onto the shopping list (in one
   * transaction: all of the week or nothing). Recipes no longer available are skipped.
   */
  async addWeekToShoppingList(
    caller: SignedInCaller,
    day: string,
    start: WeekStart,
  ): Promise<{ recipesAdded: number; recipesSkipped: number }> {
    const week = await this.week(caller, day, start);
    const planned = week.entries.filter((e) => e.recipe !== null);
    const available = planned.filter((e) => e.recipe?.available);
    await this.#data.atomically(async () => {
      for (const entry of available) {
        await this.#shopping.addRecipe(caller, { recipeId: entry.recipe?.id ?? '', servings: entry.servings ?? 0 });
      }
    });
    return { recipesAdded: available.length, recipesSkipped: planned.length - available.length };
  }

  /** The feed's URL, or '' when the caller has none. */
  async feed(caller: SignedInCaller): Promise<string> {
    const token = await this.#data.stores.mealPlans.feedToken(caller.user.id);
    return token ? this.#feedUrl(token) : '';
  }

  /** A new private URL; an earlier one stops working. */
  async createFeed(caller: SignedInCaller): Promise<string> {
    const token = feedToken();
    await this.#data.stores.mealPlans.setFeedToken(caller.user.id, token);
    return this.#feedUrl(token);
  }

  async revokeFeed(caller: SignedInCaller): Promise<void> {
    await this.#data.stores.mealPlans.revokeFeed(caller.user.id);
  }

  /** The plan of whoever holds `token`, as iCalendar text; not_found for a token that is unknown or revoked. */
  async calendar(token: string): Promise<string> {
    const plans = this.#data.stores.mealPlans;
    const owner = isFeedToken(token) ? await plans.feedOwner(token) : null;
    if (!owner) throw notFound('Calendar feed');
    const now = this.#now();
    const day = today(now);
    const entries = await plans.range(owner, addDays(day, -feedWindow.daysBack), addDays(day, feedWindow.daysAhead));
    const host = new URL(this.#publicUrl).host;
    return renderCalendar({
      name: 'Meal plan',
      now,
      events: entries.map((e) => ({
        uid: `meal-plan-${e.id}@${host}`,
        day: e.day,
        slot: e.slot,
        summary: e.recipe ? (e.recipe.available ? e.recipe.title : 'A recipe that is no longer available') : (e.note ?? ''),
        description: e.recipe?.available ? `${e.servings} servings\n${this.#publicUrl}/r/${e.recipe.slug}` : '',
        url: e.recipe?.available ? `${this.#publicUrl}/r/${encodeURIComponent(e.recipe.slug)}` : null,
      })),
    });
  }

  /** The person's whole plan as plain JSON, for their data export. */
  mealPlanForExport(userId: string): Promise<MealPlanExport> {
    return this.#data.stores.mealPlans.mealPlanForExport(userId);
  }

  async #entry(caller: SignedInCaller, id: string): Promise<MealPlanEntry> {
    const entry = await this.#data.stores.mealPlans.get(caller.user.id, id);
    if (!entry) throw notFound('Meal plan entry');
    return entry;
  }

  #feedUrl(token: string): string {
    return `${this.#publicUrl}/plan/${token}.ics`;
  }
}

function requireSlot(slot: MealSlot | undefined): MealSlot {
  if (!slot) throw invalidField('slot', `must be one of ${mealSlots.join(', ')}`);
  return slot;
}
