import { randomUUID } from 'node:crypto';
import {
  assertEditable,
  failedPrecondition,
  formatBytes,
  hasRole,
  imageContentTypes,
  invalidField,
  notFound,
  type ImageSlot,
  type Recipe,
  type SignedInCaller,
} from '@yeet/domain';
import { storageKeys, type ObjectStorage } from '@yeet/media';
import type { Logger } from '@yeet/platform';
import { type CheckedImage, checkImage, dominantColour, type ImageLimits } from '../images/validate.ts';
import type { DataAccess } from '../stores/database.ts';

export interface UploadTarget {
  uploadId: string;
  url: string;
  headers: Record<string, string>;
  expiresAt: Date;
  maxBytes: number;
}

export interface ImageControllerOptions extends ImageLimits {
  storage: ObjectStorage;
  /** The platform's own upload URL, for storages that cannot presign (the directory). */
  uploadUrl: (uploadId: string, expiresAt: Date) => string;
  logger: Logger;
}

const uploadTtlMs = 15 * 60_000;
const alreadyAttached = () => failedPrecondition('This upload was already attached; start a new one.');
/** Uploads and images nothing uses are kept this long before the sweep removes them. */
const sweepGraceMs = { uploads: 60 * 60_000, images: 24 * 60 * 60_000 };

/**
 * Photos of recipes: upload targets, checking and attaching uploads, and the background
 * work (placeholder colours, sweeping what was abandoned). An upload is only ever
 * attached whole and valid; anything refused leaves nothing behind.
 */
export class ImageController {
  readonly #data: DataAccess;
  readonly #o: ImageControllerOptions;

  constructor(data: DataAccess, options: ImageControllerOptions) {
    this.#data = data;
    this.#o = options;
  }

  async createUpload(caller: SignedInCaller, request: { byteSize: number; contentType: string }): Promise<UploadTarget> {
    if (!Number.isInteger(request.byteSize) || request.byteSize <= 0) {
      throw invalidField('byteSize', 'give the size of the image in bytes');
    }
    if (request.byteSize > this.#o.maxBytes) {
      throw invalidField('byteSize', `the image is larger than ${formatBytes(this.#o.maxBytes)}; make it smaller`);
    }
    if (!imageContentTypes[request.contentType]) {
      throw invalidField('contentType', 'upload a JPEG, PNG, WebP, AVIF or HEIC image');
    }
    const id = randomUUID();
    const expiresAt = new Date(Date.now() + uploadTtlMs);
    await this.#data.stores.images.createUpload(id, caller.user.id, expiresAt);
    const presigned = await this.#o.storage.presignPut(storageKeys.upload(id), {
      expiresInSeconds: uploadTtlMs / 1000,
      contentType: request.contentType,
    });
    return {
      uploadId: id,
      url: presigned?.url ?? this.#o.uploadUrl(id, expiresAt),
      headers: presigned?.headers ?? { 'content-type': request.contentType },
      expiresAt,
      maxBytes: this.#o.maxBytes,
    };
  }

  /** The bytes of an upload, sent to the platform's own upload endpoint (already authorised by its signed URL). */
  async receive(uploadId: string, bytes: Buffer): Promise<void> {
    const upload = await this.#data.stores.images.getUpload(uploadId);
    if (!upload) throw notFound('Upload');
    if (upload.confirmedAt) throw alreadyAttached();
    if (upload.expiresAt < new Date()) throw failedPrecondition('This upload expired; start a new one.');
    await this.#o.storage.put(storageKeys.upload(uploadId), bytes, 'application/octet-stream');
  }

  async attach(
    caller: SignedInCaller,
    request: { uploadId: string; recipeId: string; slot: ImageSlot; stepIndex: number },
  ): Promise<Recipe> {
    const { images, recipes } = this.#data.stores;
    const upload = await images.getUpload(request.uploadId);
    if (!upload || upload.ownerId !== caller.user.id) throw notFound('Upload');
    if (upload.confirmedAt) throw alreadyAttached();
    if (upload.expiresAt < new Date()) throw failedPrecondition('This upload expired; upload the image again.');
    const recipe = await recipes.get({ id: request.recipeId });
    if (!recipe) throw notFound('Recipe');
    this.#assertEditable(caller, recipe);
    this.#position(recipe, request.slot, request.stepIndex);

    const staging = storageKeys.upload(upload.id);
    const bytes = await this.#o.storage.get(staging);
    if (!bytes) {
      // A concurrent attach of the same upload may have just used the bytes.
      if ((await images.getUpload(upload.id))?.confirmedAt) throw alreadyAttached();
      throw failedPrecondition('Nothing was uploaded yet: PUT the image to the upload URL first.');
    }
    let checked: CheckedImage;
    try {
      checked = await checkImage(bytes, this.#o);
    } catch (error) {
      // Refused: nothing is kept.
      await this.#o.storage.delete(staging);
      await images.deleteUploads([upload.id]);
      throw error;
    }

    const attached = await this.#data.transaction(async (s) => {
      // Claiming the upload locks its row: concurrent attaches of it wait here, then find it
      // taken, so only one of them ever writes the original.
      if (!(await s.images.confirmUpload(upload.id))) throw alreadyAttached();
      // The recipe may have changed since it was read: decide again with its row locked.
      const current = await s.recipes.getForUpdate(recipe.id);
      if (!current) throw notFound('Recipe');
      this.#assertEditable(caller, current);
      const position = this.#position(current, request.slot, request.stepIndex);
      await s.images.insertImage({ id: upload.id, ownerId: caller.user.id, byteSize: bytes.length, ...checked });
      await s.images.attach(current.id, request.slot, position, upload.id);
      await s.jobs.processImage(upload.id);
      // search hits show the cover (the memory engine keeps it with the index: decision 0036)
      if (request.slot === 'cover') await s.jobs.reindexRecipe(current.id);
      const updated = await s.recipes.get({ id: current.id });
      if (!updated) throw notFound('Recipe');
      // Last, so a failure above leaves no file behind. The bytes that were checked, not what
      // the upload URL holds by now: it takes PUTs until it expires. (Every format's name is
      // its MIME subtype.)
      await this.#o.storage.put(storageKeys.original(upload.id), bytes, `image/${checked.format}`);
      return updated;
    });
    // In a request's unit of work (docs/decisions/0025-atomic-idempotency.md) the commit comes later: a retry must still find the bytes.
    await this.#data.afterCommit(() => this.#o.storage.delete(staging));
    return attached;
  }

  async detach(caller: SignedInCaller, request: { recipeId: string; slot: ImageSlot; stepIndex: number }): Promise<Recipe> {
    return this.#data.transaction(async (s) => {
      // Locked like any other edit: the recipe's state cannot change between the check and the change.
      const recipe = await s.recipes.getForUpdate(request.recipeId);
      if (!recipe) throw notFound('Recipe');
      this.#assertEditable(caller, recipe);
      await s.images.detach(recipe.id, request.slot, this.#position(recipe, request.slot, request.stepIndex));
      if (request.slot === 'cover') await s.jobs.reindexRecipe(recipe.id);
      const updated = await s.recipes.get({ id: recipe.id });
      if (!updated) throw notFound('Recipe');
      return updated;
    });
  }

  /** Background: the placeholder colour of a new image. */
  async process(imageId: string): Promise<void> {
    const bytes = await this.#o.storage.get(storageKeys.original(imageId));
    if (!bytes) {
      this.#o.logger.warn({ imageId }, 'image to process has no original; skipping');
      return;
    }
    const placeholder = await dominantColour(bytes, this.#o.maxPixels);
    await this.#data.transaction(async (s) => {
      await s.images.setPlaceholder(imageId, placeholder);
      // a cover's placeholder shows on search hits too
      for (const recipeId of await s.images.recipesWithCover(imageId)) await s.jobs.reindexRecipe(recipeId);
    });
  }

  /** Background: removes expired uploads and images nothing shows any more. */
  async sweep(batch = 200): Promise<{ uploads: number; images: number }> {
    const { images } = this.#data.stores;
    const uploads = await images.expiredUploads(sweepGraceMs.uploads, batch);
    for (const upload of uploads) {
      // Attached or not, the upload URL took PUTs until it expired: whatever arrived is unused.
      await this.#o.storage.delete(storageKeys.upload(upload.id));
      // No image row has an unattached upload's id: an original under it is left from an
      // attach whose commit failed.
      if (!upload.attached) await this.#o.storage.delete(storageKeys.original(upload.id));
    }
    await images.deleteUploads(uploads.map((u) => u.id));
    const unused = await images.unusedImages(sweepGraceMs.images, batch);
    await images.deleteImages(unused);
    for (const id of unused) await this.#o.storage.delete(storageKeys.original(id));
    return { uploads: uploads.length, images: unused.length };
  }

  #assertEditable(caller: SignedInCaller, recipe: Recipe): void {
    const asEditor = hasRole(caller, 'editor') || recipe.author.id !== caller.user.id;
    assertEditable(recipe.status, asEditor ? 'editor' : 'owner');
  }

  #position(recipe: Recipe, slot: ImageSlot, stepIndex: number): number {
    if (slot === 'cover') return 0;
    if (!Number.isInteger(stepIndex) || stepIndex < 0 || stepIndex >= recipe.steps.length) {
      throw invalidField(
        'stepIndex',
        `this recipe has ${recipe.steps.length} step(s); give a step index from 0 to ${recipe.steps.length - 1}`,
      );
    }
    return stepIndex;
  }
}
