import { buildUrl, storageKeys, type ImgproxyKeys, type ObjectStorage } from '@yeet/media';
import type { ImageRef } from '@yeet/domain';

/** The sizes the resizer renders; anything else is refused (a signed URL cannot ask for more). */
export const imageSizes = {
  widths: [160, 320, 480, 640, 960, 1280, 1600],
  heights: [120, 240, 360, 480, 720, 960, 1200],
} as const;

const coverSizes = [
  [320, 240],
  [480, 360],
  [640, 480],
  [960, 720],
  [1280, 960],
] as const;
const stepWidths = [480, 960] as const;

export interface ImageVariant {
  width: number;
  height: number;
  url: string;
}

/**
 * Signed URLs for an image's sizes, in imgproxy's format: covers cropped to 4:3 around
 * what the smart crop finds interesting, step photos scaled to fit. The format is left
 * out so the resizer (ours or imgproxy) picks AVIF/WebP/JPEG from the Accept header.
 */
export class ImageUrls {
  readonly #baseUrl: string;
  readonly #keys: ImgproxyKeys;
  readonly #storage: ObjectStorage;

  constructor(options: { baseUrl: string; keys: ImgproxyKeys; storage: ObjectStorage }) {
    this.#baseUrl = options.baseUrl;
    this.#keys = options.keys;
    this.#storage = options.storage;
  }

  cover(image: ImageRef): ImageVariant[] {
    const source = this.#storage.sourceUrl(storageKeys.original(image.id));
    return coverSizes.map(([width, height]) => ({
      width,
      height,
      url: buildUrl(this.#baseUrl, source, { resize: 'fill', width, height, gravity: 'sm' }, this.#keys),
    }));
  }

  step(image: ImageRef): ImageVariant[] {
    const source = this.#storage.sourceUrl(storageKeys.original(image.id));
    return stepWidths.map((width) => ({
      width,
      height: Math.round((width * image.height) / image.width),
      url: buildUrl(this.#baseUrl, source, { resize: 'fit', width, height: 0 }, this.#keys),
    }));
  }
}
