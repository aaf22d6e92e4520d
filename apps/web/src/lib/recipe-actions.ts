import type { CallOptions, Client } from '@connectrpc/connect';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import type { Recipe, RecipeService } from '@yeet/contract';
import type { LifecycleAction } from '@yeet/domain/lifecycle';
import { myRecipes } from './api';
import { useIdempotencyKeys } from './idempotency';
import { useTransport } from './transport';
import { recipeClient } from './rpc';

/** What the recipe page can do to a recipe: the lifecycle's actions, and deleting a draft. */
export type RecipeAction = LifecycleAction | 'delete';

type Call = (client: Client<typeof RecipeService>, id: string, reason: string, options: CallOptions) => Promise<unknown>;

/** Each action's API call (what to tell the person once it is done: recipe-actions-panel.tsx, in their language). */
const actions: Record<RecipeAction, Call> = {
  submit: (c, id, _reason, o) => c.submitRecipe({ id }, o),
  approve: (c, id, _reason, o) => c.approveRecipe({ id }, o),
  reject: (c, id, reason, o) => c.rejectRecipe({ id, reason }, o),
  unpublish: (c, id, reason, o) => c.unpublishRecipe({ id, reason }, o),
  archive: (c, id, reason, o) => c.archiveRecipe({ id, reason }, o),
  delete: (c, id, _reason, o) => c.deleteRecipe({ id }, o),
};

/**
 * Performs an action on `recipe` through the API (which decides). Afterwards everything
 * loaded is stale (the recipe moved), and a deleted draft leaves for "My recipes".
 */
export function useRecipeAction(recipe: Recipe, onDone: (action: RecipeAction) => void) {
  const transport = useTransport();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const keys = useIdempotencyKeys();
  return useMutation({
    mutationFn: ({ action, reason = '' }: { action: RecipeAction; reason?: string }) =>
      actions[action](
        recipeClient(transport),
        recipe.id,
        reason.trim(),
        keys.options(action, { id: recipe.id, reason: reason.trim() }),
      ),
    onSuccess: async (_result, { action }) => {
      keys.done();
      onDone(action);
      if (action !== 'delete') return queryClient.invalidateQueries();
      // Leave at once, refetching nothing on the way: refetching the page's queries showed
      // the deleted draft with its buttons for a second and asked the API for it (404s).
      // "My recipes" is fetched afresh, without the draft.
      await queryClient.invalidateQueries({ refetchType: 'none' });
      queryClient.removeQueries({ queryKey: myRecipes(transport).queryKey });
      await navigate({ to: '/me/recipes' });
    },
  });
}
