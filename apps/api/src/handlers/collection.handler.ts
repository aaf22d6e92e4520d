import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ServiceImpl } from '@connectrpc/connect';
import type { CollectionEntrySchema, CollectionSchema, CollectionService } from '@yeet/contract';
import type { Collection, CollectionEntry } from '@yeet/domain';
import type { CollectionController } from '../controllers/collection.controller.ts';
import { signedInCallerOf } from '../rpc/context.ts';
import type { RecipeToProto } from './recipe.convert.ts';

export function collectionHandlers(
  collections: CollectionController,
  recipeToProto: RecipeToProto,
): ServiceImpl<typeof CollectionService> {
  const entryToProto = (e: CollectionEntry): MessageInitShape<typeof CollectionEntrySchema> => ({
    recipeId: e.recipeId,
    addTime: timestampFromDate(e.addedAt),
    available: e.available,
    recipe: e.recipe ? recipeToProto(e.recipe) : undefined,
  });
  return {
    async listCollections(_req, ctx) {
      return { collections: (await collections.list(signedInCallerOf(ctx))).map(collectionToProto) };
    },
    async getCollection(req, ctx) {
      const { collection, entries } = await collections.get(signedInCallerOf(ctx), req.id);
      return { collection: collectionToProto(collection), entries: entries.map(entryToProto) };
    },
    async createCollection(req, ctx) {
      return { collection: collectionToProto(await collections.create(signedInCallerOf(ctx), req.name)) };
    },
    async renameCollection(req, ctx) {
      return { collection: collectionToProto(await collections.rename(signedInCallerOf(ctx), req.id, req.name)) };
    },
    async deleteCollection(req, ctx) {
      await collections.delete(signedInCallerOf(ctx), req.id);
      return {};
    },
    async addRecipeToCollection(req, ctx) {
      const collection = await collections.addRecipe(signedInCallerOf(ctx), req.collectionId, req.recipeId);
      return { collection: collectionToProto(collection) };
    },
    async removeRecipeFromCollection(req, ctx) {
      const collection = await collections.removeRecipe(signedInCallerOf(ctx), req.collectionId, req.recipeId);
      return { collection: collectionToProto(collection) };
    },
    async saveRecipe(req, ctx) {
      const favourites = await collections.save(signedInCallerOf(ctx), req.recipeId, req.saved);
      return { saved: req.saved, favourites: collectionToProto(favourites) };
    },
    async listSavedRecipes(_req, ctx) {
      return { recipes: await collections.saved(signedInCallerOf(ctx)) };
    },
    async shareCollection(req, ctx) {
      return { collection: collectionToProto(await collections.share(signedInCallerOf(ctx), req.id, true)) };
    },
    async unshareCollection(req, ctx) {
      return { collection: collectionToProto(await collections.share(signedInCallerOf(ctx), req.id, false)) };
    },
    async getSharedCollection(req) {
      const shared = await collections.getShared(req.token);
      return { name: shared.name, entries: shared.entries.map(entryToProto) };
    },
  };
}

function collectionToProto(c: Collection): MessageInitShape<typeof CollectionSchema> {
  return {
    id: c.id,
    name: c.name,
    favourites: c.favourites,
    recipeCount: c.recipeCount,
    shareToken: c.shareToken ?? '',
    createTime: timestampFromDate(c.createdAt),
    updateTime: timestampFromDate(c.updatedAt),
  };
}
