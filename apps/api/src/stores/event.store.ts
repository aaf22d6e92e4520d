import type { RecipeEvent, RecipeEventAction, RecipeStatus } from '@yeet/domain';
import type { Executor } from './executor.ts';

export interface NewRecipeEvent {
  recipeId: string;
  actorId: string;
  action: RecipeEventAction;
  fromStatus: RecipeStatus | null;
  toStatus: RecipeStatus;
  reason: string | null;
}

/** The audit trail: one row per creation, edit and lifecycle transition. */
export class RecipeEventStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  async record(event: NewRecipeEvent): Promise<void> {
    await this.#db
      .insertInto('recipe_events')
      .values({
        recipe_id: event.recipeId,
        actor_id: event.actorId,
        action: event.action,
        from_status: event.fromStatus,
        to_status: event.toStatus,
        reason: event.reason,
      })
      .execute();
  }

  async listForRecipe(recipeId: string): Promise<RecipeEvent[]> {
    const rows = await this.#db
      .selectFrom('recipe_events')
      .innerJoin('users', 'users.id', 'recipe_events.actor_id')
      .selectAll('recipe_events')
      .select('users.display_name as actor_name')
      .where('recipe_events.recipe_id', '=', recipeId)
      .orderBy('recipe_events.id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      recipeId: r.recipe_id,
      action: r.action as RecipeEventAction,
      fromStatus: r.from_status as RecipeStatus | null,
      toStatus: r.to_status as RecipeStatus,
      actor: { id: r.actor_id, displayName: r.actor_name },
      reason: r.reason,
      createdAt: r.created_at,
    }));
  }
}
