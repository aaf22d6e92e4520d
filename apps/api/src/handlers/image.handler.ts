import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ServiceImpl } from '@connectrpc/connect';
import { imageSlotValues, type ImageService } from '@yeet/contract';
import { invalidField, type ImageSlot } from '@yeet/domain';
import type { ImageController } from '../controllers/image.controller.ts';
import { signedInCallerOf } from '../rpc/context.ts';
import type { RecipeToProto } from './recipe.convert.ts';

const slotOf = (slot: number): ImageSlot => {
  const name = imageSlotValues.toDomain(slot);
  if (!name) throw invalidField('slot', 'choose IMAGE_SLOT_COVER or IMAGE_SLOT_STEP');
  return name;
};

export function imageHandlers(images: ImageController, recipeToProto: RecipeToProto): ServiceImpl<typeof ImageService> {
  return {
    async createUpload(req, ctx) {
      const target = await images.createUpload(signedInCallerOf(ctx), {
        byteSize: Number(req.byteSize),
        contentType: req.contentType,
      });
      return {
        uploadId: target.uploadId,
        url: target.url,
        headers: target.headers,
        expireTime: timestampFromDate(target.expiresAt),
        maxBytes: BigInt(target.maxBytes),
      };
    },
    async attachImage(req, ctx) {
      const recipe = await images.attach(signedInCallerOf(ctx), {
        uploadId: req.uploadId,
        recipeId: req.recipeId,
        slot: slotOf(req.slot),
        stepIndex: req.stepIndex,
      });
      return { recipe: recipeToProto(recipe) };
    },
    async detachImage(req, ctx) {
      const recipe = await images.detach(signedInCallerOf(ctx), {
        recipeId: req.recipeId,
        slot: slotOf(req.slot),
        stepIndex: req.stepIndex,
      });
      return { recipe: recipeToProto(recipe) };
    },
  };
}
