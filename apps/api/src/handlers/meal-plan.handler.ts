import type { MessageInitShape } from '@bufbuild/protobuf';
import type { ServiceImpl } from '@connectrpc/connect';
import { mealSlotValues, weekStartValues, type MealPlanEntrySchema, type MealPlanService } from '@yeet/contract';
import type { MealPlanController } from '../controllers/meal-plan.controller.ts';
import type { MealPlanEntry } from '../stores/meal-plan.store.ts';
import { signedInCallerOf } from '../rpc/context.ts';

export function mealPlanHandlers(plans: MealPlanController): ServiceImpl<typeof MealPlanService> {
  const weekStart = (value: number) => weekStartValues.toDomain(value) ?? 'monday';
  return {
    async getMealPlan(req, ctx) {
      const week = await plans.week(signedInCallerOf(ctx), req.date, weekStart(req.weekStart));
      return {
        startDate: week.start,
        endDate: week.end,
        days: week.days.map((date) => ({ date, entries: week.entries.filter((e) => e.day === date).map(entryToProto) })),
      };
    },
    async addMealPlanEntry(req, ctx) {
      const entry = await plans.add(signedInCallerOf(ctx), {
        day: req.date,
        slot: mealSlotValues.toDomain(req.slot),
        recipeId: req.recipeId,
        note: req.note,
        servings: req.servings,
      });
      return { entry: entryToProto(entry) };
    },
    async moveMealPlanEntry(req, ctx) {
      const entry = await plans.move(signedInCallerOf(ctx), req.id, req.date, mealSlotValues.toDomain(req.slot));
      return { entry: entryToProto(entry) };
    },
    async updateMealPlanEntry(req, ctx) {
      const entry = await plans.update(signedInCallerOf(ctx), req.id, { servings: req.servings, note: req.note });
      return { entry: entryToProto(entry) };
    },
    async removeMealPlanEntry(req, ctx) {
      await plans.remove(signedInCallerOf(ctx), req.id);
      return {};
    },
    async addMealPlanToShoppingList(req, ctx) {
      return plans.addWeekToShoppingList(signedInCallerOf(ctx), req.date, weekStart(req.weekStart));
    },
    async getMealPlanFeed(_req, ctx) {
      return { url: await plans.feed(signedInCallerOf(ctx)) };
    },
    async createMealPlanFeed(_req, ctx) {
      return { url: await plans.createFeed(signedInCallerOf(ctx)) };
    },
    async revokeMealPlanFeed(_req, ctx) {
      await plans.revokeFeed(signedInCallerOf(ctx));
      return {};
    },
    async getMealPlanCalendar(req) {
      return { calendar: await plans.calendar(req.token) };
    },
  };
}

export function entryToProto(e: MealPlanEntry): MessageInitShape<typeof MealPlanEntrySchema> {
  return {
    id: e.id,
    date: e.day,
    slot: mealSlotValues.toProto(e.slot),
    item: e.recipe ? { case: 'recipe', value: { ...e.recipe } } : { case: 'note', value: e.note ?? '' },
    servings: e.servings ?? 0,
  };
}
