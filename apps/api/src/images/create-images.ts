import { randomBytes } from 'node:crypto';
import { DirectoryStorage, keysFromHex, S3Storage, type ImgproxyKeys, type ObjectStorage } from '@yeet/media';
import { deriveSecret, type ImageConfig, type Logger } from '@yeet/platform';
import type { FastifyInstance } from 'fastify';
import { ImageController } from '../controllers/image.controller.ts';
import type { DataAccess } from '../stores/database.ts';
import { registerUploadRoute, uploadUrlSigner } from './upload-route.ts';
import { ImageUrls } from './urls.ts';

export interface ImageDependencies {
  data: DataAccess;
  config: ImageConfig;
  publicUrl: string;
  /** Upload URLs are signed with a key derived from it. */
  sessionSecret: string;
  logger: Logger;
  /** Wraps the controller the way the API observes all of them. */
  observe: <T extends object>(name: string, target: T) => T;
}

export interface Images {
  controller: ImageController;
  /** Signed URLs of each stored image's sizes, for the messages that show images. */
  urls: ImageUrls;
  /** Where originals live and how image URLs are signed (shared with the img role in one process). */
  media: { storage: ObjectStorage; keys: ImgproxyKeys };
  /** Mounts `PUT /uploads/<id>`, the upload target for storages that cannot presign. */
  register(app: FastifyInstance): Promise<void>;
}

/** Image storage, the keys that sign image URLs (generated once and kept in the database unless configured), uploads. */
export async function createImages(deps: ImageDependencies): Promise<Images> {
  const { config, data } = deps;
  const storage = createStorage(config);
  const imgproxy =
    config.imgproxy ??
    (await data.stores.meta.getOrCreate('imgproxy_keys', () => ({
      key: randomBytes(32).toString('hex'),
      salt: randomBytes(32).toString('hex'),
    })));
  const keys = keysFromHex(imgproxy.key, imgproxy.salt);
  const uploads = uploadUrlSigner(deriveSecret(deps.sessionSecret, 'upload-urls'), deps.publicUrl);
  const controller = deps.observe(
    'ImageController',
    new ImageController(data, {
      storage,
      maxBytes: config.maxBytes,
      maxPixels: config.maxPixels,
      uploadUrl: uploads.url,
      logger: deps.logger,
    }),
  );
  return {
    controller,
    urls: new ImageUrls({ baseUrl: config.baseUrl, keys, storage }),
    media: { storage, keys },
    register: (app) => registerUploadRoute(app, { images: controller, signer: uploads, maxBytes: config.maxBytes }),
  };
}

export function createStorage(config: ImageConfig): ObjectStorage {
  const s = config.storage;
  return s.kind === 's3'
    ? new S3Storage({ bucket: s.bucket, region: s.region, endpoint: s.endpoint ?? undefined, forcePathStyle: s.forcePathStyle })
    : new DirectoryStorage(s.dir);
}
