import { randomBytes } from 'node:crypto';
import { jsonArrayFrom, sql, type RecipeRow } from '@yeet/db';
import {
  alreadyExists,
  slugify,
  type Difficulty,
  type DietaryFlag,
  type MealType,
  type Recipe,
  type RecipeContent,
  type RecipeFilter,
  type RecipeKey,
  type RecipeSort,
  type RecipeSource,
  type RecipeStatus,
} from '@yeet/domain';
import { decodeCursor, encodeCursor, invalidPageToken, isSlug, isUuid } from './cursor.ts';
import type { Executor } from './executor.ts';

export interface RecipePage {
  recipes: Recipe[];
  nextPageToken: string;
}

/** Columns a state change writes, besides status. */
export interface StatusChange {
  status: RecipeStatus;
  publishedAt: Date | null;
  rejectionReason: string | null;
}

export class RecipeStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  #select() {
    return this.#db
      .selectFrom('recipes')
      .innerJoin('users', 'users.id', 'recipes.author_id')
      .selectAll('recipes')
      .select('users.display_name as author_name');
  }

  /**
   * `#select` with the recipe's cover and step photos in the same row (a JSON array, empty
   * when it has none): one round trip for a whole recipe instead of a second query for them.
   */
  #selectWithImages() {
    return this.#select().select((eb) =>
      jsonArrayFrom(
        eb
          .selectFrom('recipe_images as ri')
          .innerJoin('images as i', 'i.id', 'ri.image_id')
          .select(['ri.kind', 'ri.position', 'i.id', 'i.width', 'i.height', 'i.placeholder'])
          .whereRef('ri.recipe_id', '=', 'recipes.id'),
      ).as('images'),
    );
  }

  /**
   * `images: false` leaves the cover and step photos out (no look at recipe_images): for a
   * caller that only needs the recipe's state, author or rating (listing its ratings).
   */
  async get(key: RecipeKey, options: { images?: boolean } = {}): Promise<Recipe | null> {
    let where: [column: 'recipes.id' | 'recipes.slug', value: string];
    if ('id' in key) {
      if (!isUuid(key.id)) return null;
      where = ['recipes.id', key.id];
    } else {
      if (!isSlug(key.slug)) return null;
      where = ['recipes.slug', key.slug];
    }
    if (options.images === false) {
      const row = await this.#select().where(where[0], '=', where[1]).executeTakeFirst();
      return row ? toRecipe(row) : null;
    }
    const row = await this.#selectWithImages().where(where[0], '=', where[1]).executeTakeFirst();
    return row ? withAllImages(row) : null;
  }

  /** Published recipes by id, in one query; missing or unpublished ids are left out. */
  async getPublished(ids: readonly string[]): Promise<Map<string, Recipe>> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return new Map();
    const rows = await this.#select().where('recipes.id', 'in', valid).where('recipes.status', '=', 'published').execute();
    const recipes = await this.#withCovers(rows.map(toRecipe));
    return new Map(recipes.map((r) => [r.id, r]));
  }

  /** Loads the recipe and locks its row until the transaction ends (state changes, ratings). */
  async getForUpdate(id: string): Promise<Recipe | null> {
    if (!isUuid(id)) return null;
    const row = await this.#selectWithImages().where('recipes.id', '=', id).forUpdate('recipes').executeTakeFirst();
    return row ? withAllImages(row) : null;
  }

  async ownerOf(id: string): Promise<string | null> {
    if (!isUuid(id)) return null;
    const row = await this.#db.selectFrom('recipes').select('author_id').where('id', '=', id).executeTakeFirst();
    return row?.author_id ?? null;
  }

  async create(authorId: string, content: RecipeContent): Promise<Recipe> {
    const base = slugify(content.title);
    // A concurrent create may take the slug between the look-up and the insert. `on conflict
    // do nothing` waits for it and yields no row where a unique violation would abort the
    // caller's transaction, so the next attempt can still run in it.
    for (let attempt = 0; attempt < 5; attempt++) {
      const slug = attempt < 3 ? await this.#freeSlug(base) : `${base}-${randomBytes(3).toString('hex')}`;
      const inserted = await this.#db
        .insertInto('recipes')
        .values({ slug, author_id: authorId, ...toColumns(content) })
        .onConflict((oc) => oc.column('slug').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) return this.#mustGet(inserted.id);
    }
    throw alreadyExists('Could not find a free web address for this title; change the title a little and try again.');
  }

  /** `base`, or `base-2`, `base-3`… whichever is the first not taken. */
  async #freeSlug(base: string): Promise<string> {
    const taken = new Set(
      (
        await this.#db
          .selectFrom('recipes')
          .select('slug')
          .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]))
          .execute()
      ).map((r) => r.slug),
    );
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
  }

  async updateContent(id: string, content: RecipeContent): Promise<Recipe> {
    await this.#db
      .updateTable('recipes')
      .set((eb) => ({ ...toColumns(content), version: eb('version', '+', 1), updated_at: new Date() }))
      .where('id', '=', id)
      .execute();
    return this.#mustGet(id);
  }

  async changeStatus(id: string, change: StatusChange): Promise<Recipe> {
    await this.#db
      .updateTable('recipes')
      .set((eb) => ({
        status: change.status,
        published_at: change.publishedAt,
        rejection_reason: change.rejectionReason,
        version: eb('version', '+', 1),
        updated_at: new Date(),
      }))
      .where('id', '=', id)
      .execute();
    return this.#mustGet(id);
  }

  /** Records where an imported recipe came from (not part of its content: editing keeps it). */
  async setSource(id: string, source: RecipeSource): Promise<Recipe> {
    await this.#db
      .updateTable('recipes')
      .set({ source_url: source.url, source_name: source.siteName })
      .where('id', '=', id)
      .execute();
    return this.#mustGet(id);
  }

  async delete(id: string): Promise<void> {
    await this.#db.deleteFrom('recipes').where('id', '=', id).execute();
  }

  /** Recomputes the rating summary from the ratings table (call with the recipe row locked). */
  async refreshRating(id: string): Promise<{ average: number; count: number }> {
    const row = await this.#db
      .updateTable('recipes')
      .set((eb) => ({
        rating_count: eb.selectFrom('ratings').select(sql<number>`count(*)::int`.as('n')).where('recipe_id', '=', id),
        rating_sum: eb
          .selectFrom('ratings')
          .select(sql<number>`coalesce(sum(stars), 0)::int`.as('s'))
          .where('recipe_id', '=', id),
      }))
      .where('id', '=', id)
      .returning(['rating_count', 'rating_sum'])
      .executeTakeFirstOrThrow();
    return ratingSummary(row.rating_count, row.rating_sum);
  }

  /** Recipes whose stored rating summary disagrees with their ratings (at most `limit`). */
  async ratingDrift(limit: number): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('recipes as r')
      .leftJoin(
        (eb) =>
          eb
            .selectFrom('ratings')
            .select(['recipe_id', sql<number>`count(*)::int`.as('n'), sql<number>`sum(stars)::int`.as('s')])
            .groupBy('recipe_id')
            .as('agg'),
        (join) => join.onRef('agg.recipe_id', '=', 'r.id'),
      )
      .select('r.id')
      .where((eb) =>
        eb.or([
          eb('r.rating_count', '<>', eb.fn.coalesce('agg.n', sql.lit(0))),
          eb('r.rating_sum', '<>', eb.fn.coalesce('agg.s', sql.lit(0))),
        ]),
      )
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async list(filter: RecipeFilter, sort: RecipeSort, limit: number, pageToken: string): Promise<RecipePage> {
    const after = decodeCursor({ filter, sort }, pageToken);
    let query = this.#select();
    if (filter.status) query = query.where('recipes.status', '=', filter.status);
    if (filter.authorId) query = query.where('recipes.author_id', '=', filter.authorId);
    // Within a facet any value matches (overlap); dietary flags must all be present.
    if (filter.cuisines.length) query = query.where('recipes.cuisines', '&&', sql<string[]>`${filter.cuisines}::text[]`);
    if (filter.mealTypes.length) query = query.where('recipes.meal_types', '&&', sql<string[]>`${filter.mealTypes}::text[]`);
    if (filter.tags.length) query = query.where('recipes.tags', '&&', sql<string[]>`${filter.tags}::text[]`);
    if (filter.dietaryFlags.length) {
      query = query.where('recipes.dietary_flags', '@>', sql<string[]>`${filter.dietaryFlags}::text[]`);
    }
    if (filter.difficulties.length) query = query.where('recipes.difficulty', 'in', filter.difficulties);
    if (filter.maxTotalMinutes !== null) query = query.where('recipes.total_minutes', '<=', filter.maxTotalMinutes);

    const order = sortOrder(sort, filter.status);
    if (after) {
      if (!isUuid(after.id) || !validCursorKey(order.column, after.key)) {
        throw invalidPageToken();
      }
      const op = sql.raw(order.direction === 'desc' ? '<' : '>');
      const key = sql`${after.key}::${sql.raw(sortColumnTypes[order.column])}`;
      query = query.where(sql<boolean>`(${sql.ref(`recipes.${order.column}`)}, recipes.id) ${op} (${key}, ${after.id}::uuid)`);
    }
    const rows = await query
      .orderBy(`recipes.${order.column}`, order.direction)
      .orderBy('recipes.id', order.direction)
      .limit(limit + 1)
      .execute();

    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const nextPageToken =
      rows.length > limit && last ? encodeCursor({ filter, sort }, { key: cursorKey(last[order.column]), id: last.id }) : '';
    return { recipes: await this.#withCovers(page.map(toRecipe)), nextPageToken };
  }

  /** Fills in covers with one query for all the recipes. */
  async #withCovers(recipes: Recipe[]): Promise<Recipe[]> {
    if (recipes.length === 0) return recipes;
    const q = this.#db
      .selectFrom('recipe_images as ri')
      .innerJoin('images as i', 'i.id', 'ri.image_id')
      .select(['ri.recipe_id', 'ri.kind', 'ri.position', 'i.id', 'i.width', 'i.height', 'i.placeholder'])
      .where(
        'ri.recipe_id',
        'in',
        recipes.map((r) => r.id),
      )
      .where('ri.kind', '=', 'cover');
    const byRecipe = new Map(recipes.map((r) => [r.id, r]));
    for (const row of await q.execute()) {
      const recipe = byRecipe.get(row.recipe_id);
      if (recipe) addImage(recipe, row);
    }
    return recipes;
  }

  async #mustGet(id: string): Promise<Recipe> {
    const recipe = await this.get({ id });
    if (!recipe) throw new Error(`recipe ${id} is missing inside its own transaction`);
    return recipe;
  }
}

type SortColumn = 'published_at' | 'created_at' | 'updated_at' | 'rating_score' | 'total_minutes';

const sortColumnTypes: Record<SortColumn, string> = {
  published_at: 'timestamptz',
  created_at: 'timestamptz',
  updated_at: 'timestamptz',
  rating_score: 'double precision',
  total_minutes: 'integer',
};

/**
 * "Newest" means newest published for published recipes and newest created otherwise;
 * "oldest" means longest in its current state;
 * every order ends with the id so paging is stable.
 */
function sortOrder(sort: RecipeSort, status: RecipeStatus | null): { column: SortColumn; direction: 'asc' | 'desc' } {
  switch (sort) {
    case 'top_rated':
      return { column: 'rating_score', direction: 'desc' };
    case 'quickest':
      return { column: 'total_minutes', direction: 'asc' };
    case 'newest':
      return { column: status === 'published' ? 'published_at' : 'created_at', direction: 'desc' };
    case 'oldest':
      // Every change of status touches updated_at and content is frozen in review, so for the
      // review queue this is "waiting longest first".
      return { column: status === 'published' ? 'published_at' : 'updated_at', direction: 'asc' };
  }
}

function validCursorKey(column: SortColumn, key: string | number): boolean {
  return sortColumnTypes[column] === 'timestamptz'
    ? typeof key === 'string' && !Number.isNaN(Date.parse(key))
    : typeof key === 'number' && Number.isFinite(key);
}

function cursorKey(value: Date | number | null): string | number {
  if (value instanceof Date) return value.toISOString();
  if (value === null) throw new Error('sort column is null on a row it orders');
  return value;
}

function toColumns(c: RecipeContent) {
  return {
    title: c.title,
    summary: c.summary,
    ingredient_sections: JSON.stringify(c.ingredientSections),
    steps: JSON.stringify(c.steps),
    servings: c.servings,
    prep_minutes: c.prepMinutes,
    cook_minutes: c.cookMinutes,
    total_minutes: c.totalMinutes,
    difficulty: c.difficulty,
    cuisines: c.cuisines,
    meal_types: c.mealTypes,
    tags: c.tags,
    dietary_flags: c.dietaryFlags,
  };
}

export function ratingSummary(count: number, sum: number): { average: number; count: number } {
  return { count, average: count === 0 ? 0 : Math.round((sum / count) * 100) / 100 };
}

interface ImageRow {
  kind: string;
  position: number;
  id: string;
  width: number;
  height: number;
  placeholder: string | null;
}

/** A recipe's cover, or the photo of one of its steps (one of a step that no longer exists is left out). */
function addImage(recipe: Recipe, row: ImageRow): void {
  const image = { id: row.id, width: row.width, height: row.height, placeholder: row.placeholder };
  if (row.kind === 'cover') recipe.cover = image;
  else if (row.position < recipe.steps.length) recipe.stepImages[row.position] = image;
}

/** One recipe with its cover and step photos, from a row of `#selectWithImages`. */
function withAllImages(row: RecipeRow & { author_name: string; images: ImageRow[] }): Recipe {
  const recipe = toRecipe(row);
  for (const image of row.images) addImage(recipe, image);
  return recipe;
}

function toRecipe(row: RecipeRow & { author_name: string }): Recipe {
  return {
    id: row.id,
    slug: row.slug,
    status: row.status as RecipeStatus,
    title: row.title,
    summary: row.summary,
    ingredientSections: row.ingredient_sections,
    steps: row.steps,
    servings: row.servings,
    prepMinutes: row.prep_minutes,
    cookMinutes: row.cook_minutes,
    totalMinutes: row.total_minutes,
    difficulty: row.difficulty as Difficulty | null,
    cuisines: row.cuisines,
    mealTypes: row.meal_types as MealType[],
    tags: row.tags,
    dietaryFlags: row.dietary_flags as DietaryFlag[],
    author: { id: row.author_id, displayName: row.author_name },
    rating: ratingSummary(row.rating_count, row.rating_sum),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    publishedAt: row.published_at,
    version: row.version,
    rejectionReason: row.rejection_reason,
    cover: null,
    stepImages: {},
    source: row.source_url && row.source_name ? { url: row.source_url, siteName: row.source_name } : null,
  };
}
