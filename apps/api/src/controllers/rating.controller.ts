import {
  failedPrecondition,
  notFound,
  parseRatingInput,
  permissionDenied,
  type Caller,
  type Rating,
  type RatingInput,
  type RatingSummary,
  type SignedInCaller,
} from '@yeet/domain';
import type { DataAccess } from '../stores/database.ts';
import type { RatingPage } from '../stores/rating.store.ts';
import { canSee } from './recipe.controller.ts';

export class RatingController {
  readonly #data: DataAccess;

  constructor(data: DataAccess) {
    this.#data = data;
  }

  async rate(caller: SignedInCaller, recipeId: string, input: RatingInput): Promise<{ rating: Rating; summary: RatingSummary }> {
    const parsed = parseRatingInput(input);
    return this.#data.transaction(async (s) => {
      // The row lock serialises concurrent ratings of one recipe, so the summary recomputed
      // below always counts every committed rating.
      const recipe = await s.recipes.getForUpdate(recipeId);
      if (!recipe || !canSee(caller, recipe)) throw notFound('Recipe');
      if (recipe.status !== 'published') throw failedPrecondition('Only published recipes can be rated.');
      if (recipe.author.id === caller.user.id) throw permissionDenied('You cannot rate your own recipe.');
      const rating = await s.ratings.upsert(recipeId, caller.user.id, parsed);
      const summary = await s.recipes.refreshRating(recipeId);
      await s.jobs.reindexRecipe(recipeId);
      return { rating, summary };
    });
  }

  /**
   * Repairs rating summaries that drifted from the ratings (e.g. ratings removed with a
   * deleted account). Each repair takes the recipe's row lock, like rate() does.
   */
  async reconcile(batch = 500): Promise<number> {
    const ids = await this.#data.stores.recipes.ratingDrift(batch);
    for (const id of ids) {
      await this.#data.transaction(async (s) => {
        if (!(await s.recipes.getForUpdate(id))) return;
        await s.recipes.refreshRating(id);
        await s.jobs.reindexRecipe(id);
      });
    }
    return ids.length;
  }

  async list(
    caller: Caller,
    recipeId: string,
    pageSize: number,
    pageToken: string,
  ): Promise<RatingPage & { summary: RatingSummary; mine: Rating | null }> {
    // Who may see it and its rating summary: its photos are not needed.
    const recipe = await this.#data.stores.recipes.get({ id: recipeId }, { images: false });
    if (!recipe || !canSee(caller, recipe)) throw notFound('Recipe');
    const { ratings } = this.#data.stores;
    const [page, mine] = await Promise.all([
      ratings.list(recipeId, pageSize, pageToken),
      caller.kind === 'user' ? ratings.get(recipeId, caller.user.id) : null,
    ]);
    return { ...page, summary: recipe.rating, mine };
  }
}
