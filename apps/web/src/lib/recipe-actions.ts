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

/** Each action's API call, and what to tell the person once it is done. */
const actions: Record<RecipeAction, { call: Call; done: string }> = {
  submit: {
    call: (c, id, _reason, o) => c.submitRecipe({ id }, o),
    done: 'Submitted for review. An editor will look at it soon.',
  },
  approve: { call: (c, id, _reason, o) => c.approveRecipe({ id }, o), done: 'Approved: the recipe is published.' },
  reject: { call: (c, id, reason, o) => c.rejectRecipe({ id, reason }, o), done: 'Sent back to the author with your note.' },
  unpublish: {
    call: (c, id, reason, o) => c.unpublishRecipe({ id, reason }, o),
    done: 'Unpublished: the recipe is a draft again.',
  },
  archive: {
    call: (c, id, reason, o) => c.archiveRecipe({ id, reason }, o),
    done: 'Archived: readers no longer see the recipe; its author and editors still can.',
  },
  delete: { call: (c, id, _reason, o) => c.deleteRecipe({ id }, o), done: 'Draft deleted.' },
};

/**
 * Performs an action on `recipe` through the API (which decides). Afterwards everything
 * loaded is stale (the recipe moved), and a deleted draft leaves for "My recipes".
 */
export function useRecipeAction(recipe: Recipe, onDone: (message: string) => void) {
  const transport = useTransport();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const keys = useIdempotencyKeys();
  return useMutation({
    mutationFn: ({ action, reason = '' }: { action: RecipeAction; reason?: string }) =>
      actions[action].call(
        recipeClient(transport),
        recipe.id,
        reason.trim(),
        keys.options(action, { id: recipe.id, reason: reason.trim() }),
      ),
    onSuccess: async (_result, { action }) => {
      keys.done();
      onDone(actions[action].done);
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
