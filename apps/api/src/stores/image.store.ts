import { sql } from '@yeet/db';
import type { ImageFormat, ImageSlot } from '@yeet/domain';
import type { Executor } from './executor.ts';
import { isUuid } from './cursor.ts';

export interface Upload {
  id: string;
  ownerId: string;
  expiresAt: Date;
  confirmedAt: Date | null;
}

export interface NewImage {
  id: string;
  ownerId: string;
  format: ImageFormat;
  byteSize: number;
  width: number;
  height: number;
}

/** Uploads in progress, images, and which recipe shows which image where. */
export class ImageStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  async createUpload(id: string, ownerId: string, expiresAt: Date): Promise<void> {
    await this.#db.insertInto('uploads').values({ id, owner_id: ownerId, expires_at: expiresAt }).execute();
  }

  async getUpload(id: string): Promise<Upload | null> {
    if (!isUuid(id)) return null;
    const row = await this.#db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? { id: row.id, ownerId: row.owner_id, expiresAt: row.expires_at, confirmedAt: row.confirmed_at } : null;
  }

  /** Marks the upload used; false when it was already (a concurrent attach won). */
  async confirmUpload(id: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('uploads')
      .set({ confirmed_at: new Date() })
      .where('id', '=', id)
      .where('confirmed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async insertImage(image: NewImage): Promise<void> {
    await this.#db
      .insertInto('images')
      .values({
        id: image.id,
        owner_id: image.ownerId,
        format: image.format,
        byte_size: image.byteSize,
        width: image.width,
        height: image.height,
      })
      .execute();
  }

  /** Shows `imageId` in the slot, replacing what was there. */
  async attach(recipeId: string, slot: ImageSlot, position: number, imageId: string): Promise<void> {
    await this.#db
      .insertInto('recipe_images')
      .values({ recipe_id: recipeId, kind: slot, position, image_id: imageId })
      .onConflict((oc) => oc.columns(['recipe_id', 'kind', 'position']).doUpdateSet({ image_id: imageId }))
      .execute();
  }

  async detach(recipeId: string, slot: ImageSlot, position: number): Promise<void> {
    await this.#db
      .deleteFrom('recipe_images')
      .where('recipe_id', '=', recipeId)
      .where('kind', '=', slot)
      .where('position', '=', position)
      .execute();
  }

  /** Photos of steps that no longer exist (the recipe now has `stepCount` steps). */
  async detachStepsFrom(recipeId: string, stepCount: number): Promise<void> {
    await this.#db
      .deleteFrom('recipe_images')
      .where('recipe_id', '=', recipeId)
      .where('kind', '=', 'step')
      .where('position', '>=', stepCount)
      .execute();
  }

  /** The recipes showing this image as their cover. */
  async recipesWithCover(imageId: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('recipe_images')
      .select('recipe_id')
      .where('image_id', '=', imageId)
      .where('kind', '=', 'cover')
      .execute();
    return rows.map((r) => r.recipe_id);
  }

  async setPlaceholder(id: string, placeholder: string): Promise<void> {
    await this.#db.updateTable('images').set({ placeholder, processed_at: new Date() }).where('id', '=', id).execute();
  }

  /** Uploads expired at least `graceMs` ago, attached or not: the upload URL no longer works. */
  async expiredUploads(graceMs: number, limit: number): Promise<Array<{ id: string; attached: boolean }>> {
    const rows = await this.#db
      .selectFrom('uploads')
      .select(['id', 'confirmed_at'])
      .where('expires_at', '<', new Date(Date.now() - graceMs))
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, attached: r.confirmed_at !== null }));
  }

  async deleteUploads(ids: string[]): Promise<void> {
    if (ids.length) await this.#db.deleteFrom('uploads').where('id', 'in', ids).execute();
  }

  /** Images no recipe shows any more (replaced or removed), older than `graceMs`. */
  async unusedImages(graceMs: number, limit: number): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('images as i')
      .select('i.id')
      .where('i.created_at', '<', new Date(Date.now() - graceMs))
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('recipe_images as ri').select(sql`1`.as('one')).whereRef('ri.image_id', '=', 'i.id'))),
      )
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async deleteImages(ids: string[]): Promise<void> {
    if (ids.length) await this.#db.deleteFrom('images').where('id', 'in', ids).execute();
  }
}
