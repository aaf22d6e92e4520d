import { createHash } from 'node:crypto';
import type { ObjectStorage, OutputFormat } from '@yeet/media';
import type { Logger, Metrics } from '@yeet/platform';
import { Histogram } from 'prom-client';
import type { DiskCache } from './disk-cache.ts';
import { etagOf } from './etag.ts';
import { RenderLimiter } from './limiter.ts';
import { renderImage } from './render.ts';
import type { ImageRequest } from './signed-urls.ts';

/** One size and format of an original: its bytes and their validator. */
export interface Rendition {
  data: Buffer;
  etag: string;
}

/**
 * The rendition, and whether this request rendered it (rather than finding it on disk or
 * sharing a render in progress); or `busy` when the render queue is full, `missing` when
 * there is no original.
 */
export type RenditionResult = { rendition: Rendition; rendered: boolean } | 'busy' | 'missing';

export interface RenditionOptions {
  storage: ObjectStorage;
  cache: DiskCache;
  maxPixels: number;
  /** Renders at once, and renders waiting beyond those before new ones are refused. */
  concurrency: number;
  queue: number;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Renditions from the disk cache, or rendered on demand: one render per rendition however
 * many ask for it at once, shared until it is on disk so that requests in between reuse it too.
 */
export class Renditions {
  readonly #o: RenditionOptions;
  readonly #limiter: RenderLimiter;
  readonly #inFlight = new Map<string, Promise<Rendition | 'busy' | 'missing'>>();
  readonly #renderSeconds: Histogram<'format'>;

  constructor(options: RenditionOptions) {
    this.#o = options;
    this.#limiter = new RenderLimiter(options.concurrency, options.queue);
    this.#renderSeconds = new Histogram({
      name: 'yeet_image_render_seconds',
      help: 'Time to fetch an original and render one size of it.',
      labelNames: ['format'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [options.metrics.registry],
    });
  }

  /** Rejects when the render fails. */
  async get(request: ImageRequest, format: OutputFormat): Promise<RenditionResult> {
    const cacheKey = `${createHash('sha256').update(`${request.path}|${format}`).digest('hex')}.${format}`;
    const cached = await this.#o.cache.get(cacheKey);
    if (cached) return { rendition: cached, rendered: false };
    let pending = this.#inFlight.get(cacheKey);
    const rendered = !pending;
    if (!pending) {
      const render = this.#render(request, format);
      this.#inFlight.set(cacheKey, render);
      // Written while the response goes out; a failed write only costs a later re-render.
      void render
        .then(
          (r) =>
            typeof r === 'string'
              ? undefined
              : this.#o.cache
                  .set(cacheKey, r.data, r.etag)
                  .catch((err: unknown) => this.#o.logger.warn({ err }, 'could not cache a rendered image')),
          () => undefined, // a failed render is reported by the requests waiting for it
        )
        .finally(() => this.#inFlight.delete(cacheKey));
      pending = render;
    }
    const result = await pending;
    return typeof result === 'string' ? result : { rendition: result, rendered };
  }

  async #render(request: ImageRequest, format: OutputFormat): Promise<Rendition | 'busy' | 'missing'> {
    const result = await this.#limiter.run(async () => {
      const original = await this.#o.storage.get(request.key);
      if (!original) return 'missing' as const;
      const stop = this.#renderSeconds.startTimer({ format });
      const data = await renderImage(original, request.options, format, this.#o.maxPixels);
      stop();
      return { data, etag: etagOf(data) };
    });
    return result ?? 'busy';
  }
}
