import { randomBytes } from 'node:crypto';
import {
  canSave,
  entryFor,
  failedPrecondition,
  maxCollectionsPerPerson,
  maxRecipesPerCollection,
  notFound,
  parseCollectionName,
  resourceExhausted,
  type Collection,
  type CollectionEntry,
  type Recipe,
  type SignedInCaller,
} from '@yeet/domain';
import type { DataAccess, Stores } from '../stores/database.ts';
import type { SavedRow } from '../stores/collection.store.ts';
import { canSee } from './recipe.controller.ts';

export interface CollectionWithEntries {
  collection: Collection;
  entries: CollectionEntry[];
}

/**
 * Favourites and named collections. The policy table lets any signed-in person in; the
 * rules here make every collection its owner's alone: each query names the owner, so
 * someone else's collection is not_found, as an unknown id is (admins included: what a
 * person saves is theirs). A shared collection is read through its token only.
 */
export class CollectionController {
  readonly #data: DataAccess;

  constructor(data: DataAccess) {
    this.#data = data;
  }

  async list(caller: SignedInCaller): Promise<Collection[]> {
    const { collections } = this.#data.stores;
    await collections.ensureFavourites(caller.user.id);
    return collections.listOwned(caller.user.id);
  }

  async get(caller: SignedInCaller, id: string): Promise<CollectionWithEntries> {
    const collection = await this.#owned(this.#data.stores, caller, id);
    return { collection, entries: await this.#entries(collection, caller.user.id) };
  }

  async create(caller: SignedInCaller, name: string): Promise<Collection> {
    const parsed = parseCollectionName(name);
    return this.#data.transaction(async (s) => {
      await s.collections.ensureFavourites(caller.user.id);
      if ((await s.collections.countOwned(caller.user.id)) >= maxCollectionsPerPerson) {
        throw resourceExhausted(`You have ${maxCollectionsPerPerson} collections, the most there can be; delete one first.`);
      }
      return s.collections.create(caller.user.id, parsed);
    });
  }

  async rename(caller: SignedInCaller, id: string, name: string): Promise<Collection> {
    const parsed = parseCollectionName(name);
    return this.#data.transaction(async (s) => {
      const collection = await this.#owned(s, caller, id);
      if (collection.favourites) throw failedPrecondition('Favourites keeps its name; create a collection to name your own.');
      await s.collections.rename(collection.id, caller.user.id, parsed);
      return this.#owned(s, caller, id);
    });
  }

  async delete(caller: SignedInCaller, id: string): Promise<void> {
    await this.#data.transaction(async (s) => {
      const collection = await this.#owned(s, caller, id);
      if (collection.favourites) throw failedPrecondition('Favourites cannot be deleted; remove its recipes instead.');
      await s.collections.delete(collection.id, caller.user.id);
    });
  }

  async addRecipe(caller: SignedInCaller, collectionId: string, recipeId: string): Promise<Collection> {
    return this.#data.transaction(async (s) => {
      const collection = await this.#owned(s, caller, collectionId);
      await this.#add(s, caller, collection, recipeId);
      return this.#owned(s, caller, collectionId);
    });
  }

  async removeRecipe(caller: SignedInCaller, collectionId: string, recipeId: string): Promise<Collection> {
    return this.#data.transaction(async (s) => {
      const collection = await this.#owned(s, caller, collectionId);
      await s.collections.removeRecipe(collection.id, recipeId);
      return this.#owned(s, caller, collectionId);
    });
  }

  /** One tap: in or out of Favourites. */
  async save(caller: SignedInCaller, recipeId: string, saved: boolean): Promise<Collection> {
    return this.#data.transaction(async (s) => {
      const favourites = await s.collections.ensureFavourites(caller.user.id);
      if (saved) await this.#add(s, caller, favourites, recipeId);
      else await s.collections.removeRecipe(favourites.id, recipeId);
      return this.#owned(s, caller, favourites.id);
    });
  }

  async saved(caller: SignedInCaller): Promise<SavedRow[]> {
    return this.#data.stores.collections.saved(caller.user.id);
  }

  /** Sharing keeps a token already given out; unsharing clears it, so the next share makes a new one. */
  async share(caller: SignedInCaller, id: string, shared: boolean): Promise<Collection> {
    return this.#data.transaction(async (s) => {
      const collection = await this.#owned(s, caller, id);
      if (shared && collection.shareToken) return collection;
      await s.collections.setShareToken(collection.id, caller.user.id, shared ? newShareToken() : null);
      return this.#owned(s, caller, id);
    });
  }

  /** Anyone holding the token: the name and the published recipes; nothing that names the owner. */
  async getShared(token: string): Promise<{ name: string; entries: CollectionEntry[] }> {
    const collection = await this.#data.stores.collections.getByToken(token);
    if (!collection) throw notFound('Shared collection');
    const entries = await this.#entries(collection, null);
    return {
      name: collection.name,
      entries: entries.map((e) => (e.available ? e : { ...e, recipeId: '', recipe: null })),
    };
  }

  async #owned(s: Stores, caller: SignedInCaller, id: string): Promise<Collection> {
    const collection = await s.collections.getOwned(id, caller.user.id);
    if (!collection) throw notFound('Collection');
    return collection;
  }

  async #add(s: Stores, caller: SignedInCaller, collection: Collection, recipeId: string): Promise<void> {
    const recipe = await s.recipes.get({ id: recipeId });
    // Someone else's unpublished recipe is not there for the caller, as on its page.
    if (!recipe || !canSee(caller, recipe)) throw notFound('Recipe');
    if (!canSave(recipe, caller.user.id)) {
      throw failedPrecondition('Only published recipes and your own can be saved.');
    }
    if (collection.recipeCount >= maxRecipesPerCollection) {
      throw resourceExhausted(
        `"${collection.name}" holds ${maxRecipesPerCollection} recipes, the most a collection can; start another.`,
      );
    }
    await s.collections.addRecipe(collection.id, recipe.id);
  }

  /** Each entry as `viewerId` sees it (null: a shared link's reader). */
  async #entries(collection: Collection, viewerId: string | null): Promise<CollectionEntry[]> {
    const { collections, recipes } = this.#data.stores;
    const rows = await collections.entries(collection.id);
    const published = await recipes.getPublished(rows.filter((r) => r.status === 'published').map((r) => r.recipeId));
    const own = new Map<string, Recipe>();
    for (const row of rows) {
      if (row.status !== 'published' && viewerId !== null && row.authorId === viewerId) {
        const recipe = await recipes.get({ id: row.recipeId });
        if (recipe) own.set(recipe.id, recipe);
      }
    }
    return rows.map((row) => {
      const recipe = published.get(row.recipeId) ?? own.get(row.recipeId);
      // Published between the two reads, or gone: shown as unavailable, never guessed.
      if (!recipe) return { recipeId: row.recipeId, addedAt: row.addedAt, available: false, recipe: null };
      return entryFor(recipe, row.addedAt, viewerId);
    });
  }
}

/** 24 random bytes: 32 base64url characters nobody guesses. */
const newShareToken = () => randomBytes(24).toString('base64url');
