import { createHash } from 'node:crypto';
import { parsePath, verify, ImgproxyUrlError, type ImgproxyKeys, type ObjectStorage, type OutputFormat, type ProcessingOptions } from '@yeet/media';
import type { Logger, Metrics } from '@yeet/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Histogram } from 'prom-client';
import sharp from 'sharp';
import { etagOf, type DiskCache } from './disk-cache.ts';
import { RenderLimiter } from './limiter.ts';

export interface ResizerOptions {
  storage: ObjectStorage;
  keys: ImgproxyKeys;
  cache: DiskCache;
  /** Widths and heights a URL may ask for (0, "automatic", is always allowed). */
  sizes: { widths: readonly number[]; heights: readonly number[] };
  maxPixels: number;
  concurrency: number;
  queue: number;
  logger: Logger;
  metrics: Metrics;
}

export const imagePath = '/_img';

const contentTypes: Record<OutputFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
};

const positions: Record<ProcessingOptions['gravity'], string | number> = {
  sm: sharp.strategy.attention,
  ce: 'centre',
  no: 'north',
  so: 'south',
  ea: 'east',
  we: 'west',
  nowe: 'northwest',
  noea: 'northeast',
  sowe: 'southwest',
  soea: 'southeast',
};

/** AVIF, then WebP, then JPEG: the smallest format the client says it takes. */
export function negotiate(accept: string | undefined, requested: OutputFormat | null): OutputFormat {
  if (requested) return requested;
  const a = accept ?? '';
  if (/image\/avif/.test(a)) return 'avif';
  if (/image\/webp/.test(a)) return 'webp';
  return 'jpeg';
}

/** The image for `options`, as `format`: oriented, resized, metadata stripped. */
export async function renderImage(original: Buffer, options: ProcessingOptions, format: OutputFormat, maxPixels: number): Promise<Buffer> {
  const image = sharp(original, { limitInputPixels: maxPixels, failOn: 'error' }).rotate();
  if (options.width || options.height) {
    const crop = options.resize === 'fill' || options.resize === 'fill-down' || options.resize === 'auto';
    image.resize({
      width: options.width || undefined,
      height: options.height || undefined,
      fit: options.resize === 'force' ? 'fill' : crop ? 'cover' : 'inside',
      position: positions[options.gravity],
      withoutEnlargement: !options.enlarge,
    });
  }
  const q = options.quality ?? undefined;
  switch (format) {
    case 'avif':
      return image.avif({ quality: q ?? 55, effort: 2 }).toBuffer();
    case 'webp':
      return image.webp({ quality: q ?? 80 }).toBuffer();
    case 'png':
      return image.png().toBuffer();
    case 'jpeg':
      return image.jpeg({ quality: q ?? 82, progressive: true }).toBuffer();
  }
}

/**
 * GET /_img/<signature>/<options>/<source>: imgproxy's URLs, served by us. Unsigned or
 * tampered URLs get 403 before anything is read. Results are cached on disk under the
 * path and the negotiated format; they never change (URLs are content-addressed by image
 * id), so they are immutable for browsers and CDNs.
 */
export function registerResizer(app: FastifyInstance, o: ResizerOptions): void {
  const limiter = new RenderLimiter(o.concurrency, o.queue);
  /** A render: the bytes and their ETag, null when the queue was full, or "missing" when there is no original. */
  const inFlight = new Map<string, Promise<{ data: Buffer; etag: string } | null | 'missing'>>();
  const requests = new Counter({
    name: 'yeet_image_requests_total',
    help: 'Image requests by result: hit (cache), miss (rendered), not_modified, refused, error.',
    labelNames: ['result'],
    registers: [o.metrics.registry],
  });
  const renders = new Histogram({
    name: 'yeet_image_render_seconds',
    help: 'Time to fetch an original and render one size of it.',
    labelNames: ['format'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [o.metrics.registry],
  });
  const allowedWidths = new Set([0, ...o.sizes.widths]);
  const allowedHeights = new Set([0, ...o.sizes.heights]);

  const refuse = (reply: FastifyReply, status: number, message: string) => {
    requests.inc({ result: status === 503 ? 'error' : 'refused' });
    return reply.code(status).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(message);
  };

  /** URLs already verified and read: hot images skip the HMAC and the parsing. Bounded. */
  const known = new Map<string, { options: ProcessingOptions; key: string; path: string }>();
  const remember = (url: string, entry: { options: ProcessingOptions; key: string; path: string }) => {
    if (known.size >= 10_000) known.delete(known.keys().next().value!);
    known.set(url, entry);
  };

  app.get(`${imagePath}/*`, async (req: FastifyRequest, reply) => {
    const raw = (req.raw.url ?? '').split('?')[0]!.slice(imagePath.length + 1);
    let entry = known.get(raw);
    if (!entry) {
      const slash = raw.indexOf('/');
      const signature = slash > 0 ? raw.slice(0, slash) : '';
      const path = slash > 0 ? raw.slice(slash) : '';
      if (!signature || !verify(signature, path, o.keys)) return refuse(reply, 403, 'This image URL is not signed by this server.');
      let parsed: ReturnType<typeof parsePath>;
      try {
        parsed = parsePath(path);
      } catch (e) {
        if (e instanceof ImgproxyUrlError) return refuse(reply, 400, e.message);
        throw e;
      }
      if (!allowedWidths.has(parsed.options.width) || !allowedHeights.has(parsed.options.height)) {
        return refuse(reply, 400, 'This size is not one of the configured sizes.');
      }
      const key = o.storage.keyOf(parsed.source);
      if (!key) return refuse(reply, 404, 'No such image.');
      entry = { options: parsed.options, key, path };
      remember(raw, entry);
    }
    const { options, key, path } = entry;
    const source = key;

    const format = negotiate(req.headers.accept, options.format);
    const cacheKey = `${createHash('sha256').update(`${path}|${format}`).digest('hex')}.${format}`;
    reply.header('vary', 'Accept');

    let body = await o.cache.get(cacheKey);
    let result = 'hit';
    if (!body) {
      // One render per image, size and format, however many ask for it at once; the entry
      // stays until the render is on disk, so requests in between reuse it too.
      let pending = inFlight.get(cacheKey);
      if (!pending) {
        result = 'miss';
        const render = limiter.run(async () => {
          const original = await o.storage.get(key);
          if (!original) return 'missing' as const;
          const stop = renders.startTimer({ format });
          const data = await renderImage(original, options, format, o.maxPixels);
          stop();
          return { data, etag: etagOf(data) };
        });
        pending = render;
        inFlight.set(cacheKey, render);
        // Written while the response goes out; a failed write only costs a later re-render.
        void render
          .then((r) => (r && r !== 'missing' ? o.cache.set(cacheKey, r.data, r.etag) : undefined))
          .catch((err: unknown) => o.logger.warn({ err }, 'could not cache a rendered image'))
          .finally(() => inFlight.delete(cacheKey));
      }
      let rendered: { data: Buffer; etag: string } | null | 'missing';
      try {
        rendered = await pending;
      } catch (err) {
        o.logger.error({ err, source }, 'image render failed');
        requests.inc({ result: 'error' });
        return reply.code(500).header('cache-control', 'no-store').send('This image could not be prepared.');
      }
      if (rendered === null) {
        reply.header('retry-after', '2');
        return refuse(reply, 503, 'Too many images are being prepared right now; try again in a moment.');
      }
      if (rendered === 'missing') return refuse(reply, 404, 'No such image.');
      body = rendered;
    }

    const { data, etag } = body;
    reply.headers({ etag, 'cache-control': 'public, max-age=31536000, immutable', 'content-type': contentTypes[format] });
    if (req.headers['if-none-match'] === etag) {
      requests.inc({ result: 'not_modified' });
      return reply.code(304).send();
    }
    requests.inc({ result });
    return reply.send(data);
  });
}
