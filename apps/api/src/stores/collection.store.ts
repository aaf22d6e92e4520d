import { sql } from '@yeet/db';
import { alreadyExists, favouritesName, isUuid, type Collection, type RecipeStatus } from '@yeet/domain';
import type { Executor } from './executor.ts';

/** A recipe's place in a collection, with what decides who may see it. */
export interface EntryRow {
  recipeId: string;
  addedAt: Date;
  status: RecipeStatus;
  authorId: string;
}

/** One of a person's saved recipes and the collections holding it. */
export interface SavedRow {
  recipeId: string;
  slug: string;
  favourite: boolean;
  collectionIds: string[];
}

/** Everything of one person's collections, as plain JSON for their data export. */
export interface CollectionExport {
  name: string;
  favourites: boolean;
  shared: boolean;
  createdAt: string;
  updatedAt: string;
  recipes: Array<{ recipeId: string; slug: string; title: string | null; addedAt: string }>;
}

/**
 * Collections and what they hold. Every read and write that names a collection also names its
 * owner: someone else's collection is simply not there (the caller gets not_found).
 */
export class CollectionStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  #select() {
    return this.#db
      .selectFrom('collections as c')
      .selectAll('c')
      .select((eb) =>
        eb
          .selectFrom('collection_recipes as cr')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('cr.collection_id', '=', 'c.id')
          .as('recipe_count'),
      );
  }

  /** Favourites first, then by name. */
  async listOwned(ownerId: string): Promise<Collection[]> {
    const rows = await this.#select()
      .where('c.owner_id', '=', ownerId)
      .orderBy('c.favourites', 'desc')
      .orderBy(sql`lower(${sql.ref('c.name')})`)
      .execute();
    return rows.map(toCollection);
  }

  async getOwned(id: string, ownerId: string): Promise<Collection | null> {
    if (!isUuid(id)) return null;
    const row = await this.#select().where('c.id', '=', id).where('c.owner_id', '=', ownerId).executeTakeFirst();
    return row ? toCollection(row) : null;
  }

  async getByToken(token: string): Promise<Collection | null> {
    if (!/^[A-Za-z0-9_-]{32}$/.test(token)) return null;
    const row = await this.#select().where('c.share_token', '=', token).executeTakeFirst();
    return row ? toCollection(row) : null;
  }

  /** The person's Favourites, made the first time it is needed. */
  async ensureFavourites(ownerId: string): Promise<Collection> {
    await this.#db
      .insertInto('collections')
      .values({ owner_id: ownerId, name: favouritesName, favourites: true })
      .onConflict((oc) => oc.column('owner_id').where('favourites', '=', true).doNothing())
      .execute();
    const row = await this.#select().where('c.owner_id', '=', ownerId).where('c.favourites', '=', true).executeTakeFirst();
    if (!row) throw new Error('Favourites missing right after it was made');
    return toCollection(row);
  }

  async countOwned(ownerId: string): Promise<number> {
    const row = await this.#db
      .selectFrom('collections')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('owner_id', '=', ownerId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async create(ownerId: string, name: string): Promise<Collection> {
    const row = await uniqueName(
      name,
      this.#db.insertInto('collections').values({ owner_id: ownerId, name }).returning('id').executeTakeFirstOrThrow(),
    );
    return (await this.getOwned(row.id, ownerId)) as Collection;
  }

  /** Renames one of the owner's collections other than Favourites; false when there is none. */
  async rename(id: string, ownerId: string, name: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const row = await uniqueName(
      name,
      this.#db
        .updateTable('collections')
        .set({ name, updated_at: new Date() })
        .where('id', '=', id)
        .where('owner_id', '=', ownerId)
        .where('favourites', '=', false)
        .returning('id')
        .executeTakeFirst(),
    );
    return row !== undefined;
  }

  /** Deletes one of the owner's collections other than Favourites; false when there is none. */
  async delete(id: string, ownerId: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.#db
      .deleteFrom('collections')
      .where('id', '=', id)
      .where('owner_id', '=', ownerId)
      .where('favourites', '=', false)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Adds the recipe; adding it again keeps its first time. */
  async addRecipe(collectionId: string, recipeId: string): Promise<void> {
    const added = await this.#db
      .insertInto('collection_recipes')
      .values({ collection_id: collectionId, recipe_id: recipeId })
      .onConflict((oc) => oc.columns(['collection_id', 'recipe_id']).doNothing())
      .executeTakeFirst();
    if ((added.numInsertedOrUpdatedRows ?? 0n) > 0n) await this.#touch(collectionId);
  }

  async removeRecipe(collectionId: string, recipeId: string): Promise<void> {
    if (!isUuid(recipeId)) return;
    const removed = await this.#db
      .deleteFrom('collection_recipes')
      .where('collection_id', '=', collectionId)
      .where('recipe_id', '=', recipeId)
      .executeTakeFirst();
    if (removed.numDeletedRows > 0n) await this.#touch(collectionId);
  }

  async #touch(collectionId: string): Promise<void> {
    await this.#db.updateTable('collections').set({ updated_at: new Date() }).where('id', '=', collectionId).execute();
  }

  /** The collection's recipes, newest saved first. */
  async entries(collectionId: string): Promise<EntryRow[]> {
    const rows = await this.#db
      .selectFrom('collection_recipes as cr')
      .innerJoin('recipes as r', 'r.id', 'cr.recipe_id')
      .select(['cr.recipe_id', 'cr.added_at', 'r.status', 'r.author_id'])
      .where('cr.collection_id', '=', collectionId)
      .orderBy('cr.added_at', 'desc')
      .orderBy('cr.recipe_id')
      .execute();
    return rows.map((r) => ({
      recipeId: r.recipe_id,
      addedAt: r.added_at,
      status: r.status as RecipeStatus,
      authorId: r.author_id,
    }));
  }

  /** Every recipe the person saved, with the collections (of theirs) that hold it. */
  async saved(ownerId: string): Promise<SavedRow[]> {
    const rows = await this.#db
      .selectFrom('collection_recipes as cr')
      .innerJoin('collections as c', 'c.id', 'cr.collection_id')
      .innerJoin('recipes as r', 'r.id', 'cr.recipe_id')
      .select(['cr.recipe_id', 'r.slug'])
      .select((eb) => [
        eb.fn.agg<string[]>('array_agg', ['c.id']).as('collection_ids'),
        eb.fn.agg<boolean>('bool_or', ['c.favourites']).as('favourite'),
      ])
      .where('c.owner_id', '=', ownerId)
      .groupBy(['cr.recipe_id', 'r.slug'])
      .orderBy('r.slug')
      .execute();
    return rows.map((r) => ({
      recipeId: r.recipe_id,
      slug: r.slug,
      favourite: r.favourite,
      collectionIds: [...r.collection_ids].sort(),
    }));
  }

  /** Sets or clears the share token of one of the owner's collections; false when there is none. */
  async setShareToken(id: string, ownerId: string, token: string | null): Promise<boolean> {
    if (!isUuid(id)) return false;
    const row = await this.#db
      .updateTable('collections')
      .set({ share_token: token, updated_at: new Date() })
      .where('id', '=', id)
      .where('owner_id', '=', ownerId)
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Account deletion: the person's collections go, with what they hold. */
  async deleteAllOf(ownerId: string): Promise<number> {
    const result = await this.#db.deleteFrom('collections').where('owner_id', '=', ownerId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Everything of the person's collections, for their data export: names, whether shared (the
   * token itself is a live credential and stays out), and each recipe's slug and title. The
   * title of someone else's recipe that is no longer published stays out, as on the page.
   */
  async collectionsForExport(ownerId: string): Promise<CollectionExport[]> {
    const [collections, recipes] = await Promise.all([
      this.#db
        .selectFrom('collections')
        .select(['id', 'name', 'favourites', 'share_token', 'created_at', 'updated_at'])
        .where('owner_id', '=', ownerId)
        .orderBy('favourites', 'desc')
        .orderBy('created_at')
        .execute(),
      this.#db
        .selectFrom('collection_recipes as cr')
        .innerJoin('collections as c', 'c.id', 'cr.collection_id')
        .innerJoin('recipes as r', 'r.id', 'cr.recipe_id')
        .select(['cr.collection_id', 'cr.recipe_id', 'cr.added_at', 'r.slug', 'r.title', 'r.status', 'r.author_id'])
        .where('c.owner_id', '=', ownerId)
        .orderBy('cr.added_at')
        .execute(),
    ]);
    return collections.map((c) => ({
      name: c.name,
      favourites: c.favourites,
      shared: c.share_token !== null,
      createdAt: c.created_at.toISOString(),
      updatedAt: c.updated_at.toISOString(),
      recipes: recipes
        .filter((r) => r.collection_id === c.id)
        .map((r) => ({
          recipeId: r.recipe_id,
          slug: r.slug,
          title: r.status === 'published' || r.author_id === ownerId ? r.title : null,
          addedAt: r.added_at.toISOString(),
        })),
    }));
  }
}

/** A second collection of the same name (letter case ignored) is the caller's to rename. */
async function uniqueName<T>(name: string, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if ((error as { code?: string; constraint?: string }).constraint === 'collections_owner_name') {
      throw alreadyExists(`You already have a collection called "${name}". Choose another name.`);
    }
    throw error;
  }
}

interface CollectionRow {
  id: string;
  owner_id: string;
  name: string;
  favourites: boolean;
  share_token: string | null;
  created_at: Date;
  updated_at: Date;
  recipe_count: string | null;
}

function toCollection(row: CollectionRow): Collection {
  return {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    favourites: row.favourites,
    recipeCount: Number(row.recipe_count ?? 0),
    shareToken: row.share_token,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
