import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import type { RecipeService } from '@yeet/contract';
import { invalidField, isDomainError, type LifecycleAction } from '@yeet/domain';
import type { ImportController, ImportInput } from '../controllers/import.controller.ts';
import type { RatingController } from '../controllers/rating.controller.ts';
import type { RecipeController } from '../controllers/recipe.controller.ts';
import { callerOf, signedInCallerOf } from '../rpc/context.ts';
import {
  eventToProto,
  listQueryToDomain,
  pageSizeToDomain,
  ratingToProto,
  recipeInputToDomain,
  type RecipeToProto,
} from './recipe.convert.ts';

/**
 * RecipeService: converts requests to domain calls and results back to messages. Access
 * policy, tracing, metrics and error mapping are applied around these by the RPC interceptors.
 */
export function recipeHandlers(
  recipes: RecipeController,
  ratings: RatingController,
  recipeToProto: RecipeToProto,
  importer: ImportController,
): ServiceImpl<typeof RecipeService> {
  const transition = (action: LifecycleAction) => async (req: { id: string; reason?: string }, ctx: HandlerContext) => ({
    recipe: recipeToProto(await recipes.transition(signedInCallerOf(ctx), req.id, action, req.reason ?? '')),
  });

  return {
    async listRecipes(req, ctx) {
      const page = await recipes.list(callerOf(ctx), listQueryToDomain(req));
      return { recipes: page.recipes.map(recipeToProto), nextPageToken: page.nextPageToken };
    },

    async getRecipe(req, ctx) {
      const { key } = req;
      if (key.case === undefined || !key.value) throw invalidField('key', 'give the recipe id or slug');
      const lookup = key.case === 'id' ? { id: key.value } : { slug: key.value };
      return { recipe: recipeToProto(await recipes.get(callerOf(ctx), lookup)) };
    },

    async createRecipe(req, ctx) {
      const recipe = await recipes.create(signedInCallerOf(ctx), recipeInputToDomain(req.recipe)).catch(prefixFields('recipe'));
      return { recipe: recipeToProto(recipe) };
    },

    async updateRecipe(req, ctx) {
      const recipe = await recipes
        .update(signedInCallerOf(ctx), req.id, recipeInputToDomain(req.recipe), req.expectedVersion || null)
        .catch(prefixFields('recipe'));
      return { recipe: recipeToProto(recipe) };
    },

    async deleteRecipe(req, ctx) {
      await recipes.delete(signedInCallerOf(ctx), req.id);
      return {};
    },

    submitRecipe: transition('submit'),
    approveRecipe: transition('approve'),
    rejectRecipe: transition('reject'),
    unpublishRecipe: transition('unpublish'),
    archiveRecipe: transition('archive'),

    async getRecipeHistory(req, ctx) {
      const events = await recipes.history(callerOf(ctx), req.id);
      return { events: events.map(eventToProto) };
    },

    async rateRecipe(req, ctx) {
      const { rating, summary } = await ratings.rate(signedInCallerOf(ctx), req.recipeId, {
        stars: req.stars,
        review: req.review,
      });
      return { rating: ratingToProto(rating), summary };
    },

    async listRatings(req, ctx) {
      const page = await ratings.list(callerOf(ctx), req.recipeId, pageSizeToDomain(req.pageSize), req.pageToken);
      return {
        ratings: page.ratings.map(ratingToProto),
        nextPageToken: page.nextPageToken,
        summary: page.summary,
        myRating: page.mine ? ratingToProto(page.mine) : undefined,
      };
    },

    async importRecipe(req, ctx) {
      const { input } = req;
      let from: ImportInput;
      if (input.case === 'url') from = { kind: 'url', url: input.value };
      else if (input.case === 'page') from = { kind: 'page', html: input.value.html, url: input.value.url };
      else if (input.case === 'text') from = { kind: 'text', text: input.value };
      else throw invalidField('input', 'give the url of a recipe page, its pasted page (html), or its text');
      const result = await importer.import(signedInCallerOf(ctx), from, req.preview);
      const recipe = recipeToProto(result.recipe);
      return {
        // A preview was never saved: no id, slug or author to hand out.
        recipe: req.preview ? { ...recipe, id: '', slug: '', author: undefined } : recipe,
        missingFields: result.missing,
        ...(result.source ? { source: result.source } : {}),
        imageUrl: result.imageUrl ?? '',
      };
    },
  };
}

/** Field paths from content validation are relative to the RecipeInput message. */
const prefixFields =
  (prefix: string) =>
  (error: unknown): never => {
    throw isDomainError(error) ? error.withFieldPrefix(prefix) : error;
  };
