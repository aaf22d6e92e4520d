import type { Rating, RatingInput } from '@yeet/domain';
import type { RatingRow } from '@yeet/db';
import { decodeCursor, encodeCursor, invalidPageToken, isUuid } from './cursor.ts';
import type { Executor } from './executor.ts';

export interface RatingPage {
  ratings: Rating[];
  nextPageToken: string;
}

export class RatingStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  /** One rating per user and recipe: rating again replaces the earlier one. */
  async upsert(recipeId: string, userId: string, input: RatingInput): Promise<Rating> {
    const now = new Date();
    await this.#db
      .insertInto('ratings')
      .values({
        recipe_id: recipeId,
        user_id: userId,
        stars: input.stars,
        review: input.review,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['recipe_id', 'user_id']).doUpdateSet({ stars: input.stars, review: input.review, updated_at: now }),
      )
      .execute();
    const rating = await this.get(recipeId, userId);
    if (!rating) throw new Error('rating missing right after upsert');
    return rating;
  }

  async get(recipeId: string, userId: string): Promise<Rating | null> {
    const [row] = await this.#query(recipeId).where('ratings.user_id', '=', userId).execute();
    return row ? toRating(row) : null;
  }

  /** Newest first. */
  async list(recipeId: string, limit: number, pageToken: string): Promise<RatingPage> {
    const query = { recipeId, order: 'newest' };
    const after = decodeCursor(query, pageToken);
    let q = this.#query(recipeId);
    if (after) {
      if (typeof after.key !== 'string' || Number.isNaN(Date.parse(after.key)) || !isUuid(after.id)) {
        throw invalidPageToken();
      }
      q = q.where((eb) => eb(eb.refTuple('ratings.updated_at', 'ratings.user_id'), '<', eb.tuple(new Date(after.key), after.id)));
    }
    const rows = await q
      .orderBy('ratings.updated_at', 'desc')
      .orderBy('ratings.user_id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      ratings: page.map(toRating),
      nextPageToken:
        rows.length > limit && last ? encodeCursor(query, { key: last.updated_at.toISOString(), id: last.user_id }) : '',
    };
  }

  #query(recipeId: string) {
    return this.#db
      .selectFrom('ratings')
      .innerJoin('users', 'users.id', 'ratings.user_id')
      .selectAll('ratings')
      .select('users.display_name as user_name')
      .where('ratings.recipe_id', '=', recipeId);
  }
}

function toRating(row: RatingRow & { user_name: string }): Rating {
  return {
    recipeId: row.recipe_id,
    user: { id: row.user_id, displayName: row.user_name },
    stars: row.stars,
    review: row.review,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
