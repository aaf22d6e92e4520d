import { ImgproxyUrlError, parsePath, verify, type ImgproxyKeys, type ObjectStorage, type ProcessingOptions } from '@yeet/media';
import { LRUCache } from 'lru-cache';

/** A URL whose signature, options and size were checked: what to render, from which original. */
export interface ImageRequest {
  options: ProcessingOptions;
  /** The original's storage key. */
  key: string;
  /** The signed path (after the signature): with the format, it names the rendition. */
  path: string;
}

export type UrlCheck = { ok: true; request: ImageRequest } | { ok: false; status: 400 | 403 | 404; message: string };

/**
 * Checks imgproxy URLs (`<signature>/<options>/<source>`): unsigned or tampered ones are
 * refused before anything is parsed, then sizes outside the allow-list and sources that are
 * not ours. Checked URLs are remembered (bounded), so hot images skip the HMAC and the parsing.
 */
export class SignedUrls {
  readonly #keys: ImgproxyKeys;
  readonly #storage: ObjectStorage;
  readonly #widths: Set<number>;
  readonly #heights: Set<number>;
  readonly #checked = new LRUCache<string, ImageRequest>({ max: 10_000 });

  /** `sizes`: widths and heights a URL may ask for (0, "automatic", is always allowed). */
  constructor(keys: ImgproxyKeys, storage: ObjectStorage, sizes: { widths: readonly number[]; heights: readonly number[] }) {
    this.#keys = keys;
    this.#storage = storage;
    this.#widths = new Set([0, ...sizes.widths]);
    this.#heights = new Set([0, ...sizes.heights]);
  }

  /** `url`: the signature and path, without the route's prefix or a query. */
  check(url: string): UrlCheck {
    const known = this.#checked.get(url);
    if (known) return { ok: true, request: known };
    const slash = url.indexOf('/');
    const signature = slash > 0 ? url.slice(0, slash) : '';
    const path = slash > 0 ? url.slice(slash) : '';
    if (!signature || !verify(signature, path, this.#keys))
      return { ok: false, status: 403, message: 'This image URL is not signed by this server.' };
    let parsed: ReturnType<typeof parsePath>;
    try {
      parsed = parsePath(path);
    } catch (e) {
      if (e instanceof ImgproxyUrlError) return { ok: false, status: 400, message: e.message };
      throw e;
    }
    if (!this.#widths.has(parsed.options.width) || !this.#heights.has(parsed.options.height)) {
      return { ok: false, status: 400, message: 'This size is not one of the configured sizes.' };
    }
    const key = this.#storage.keyOf(parsed.source);
    if (!key) return { ok: false, status: 404, message: 'No such image.' };
    const request = { options: parsed.options, key, path };
    this.#checked.set(url, request);
    return { ok: true, request };
  }
}
