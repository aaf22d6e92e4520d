import type { UserRef } from './caller.ts';
import type { LifecycleAction } from './lifecycle.ts';
import type { RecipeStatus } from './values.ts';

export type RecipeEventAction = 'create' | 'update' | LifecycleAction;

/** One row of a recipe's history: the audit trail. */
export interface RecipeEvent {
  id: string;
  recipeId: string;
  action: RecipeEventAction;
  fromStatus: RecipeStatus | null;
  toStatus: RecipeStatus;
  actor: UserRef;
  reason: string | null;
  createdAt: Date;
}
