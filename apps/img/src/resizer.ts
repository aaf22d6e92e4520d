import type { ImgproxyKeys, ObjectStorage } from '@yeet/media';
import type { Logger, Metrics } from '@yeet/platform';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Counter } from 'prom-client';
import type { DiskCache } from './disk-cache.ts';
import { ifNoneMatchMatches } from './etag.ts';
import { contentTypes, negotiateFormat } from './negotiate.ts';
import { Renditions, type RenditionResult } from './renditions.ts';
import { SignedUrls } from './signed-urls.ts';

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

/**
 * GET /_img/<signature>/<options>/<source>: imgproxy's URLs, served by us. Unsigned or
 * tampered URLs get 403 before anything is read. Results are cached on disk under the
 * path and the negotiated format; they never change (URLs are content-addressed by image
 * id), so they are immutable for browsers and CDNs.
 */
export function registerResizer(app: FastifyInstance, o: ResizerOptions): void {
  const urls = new SignedUrls(o.keys, o.storage, o.sizes);
  const renditions = new Renditions(o);
  const requests = new Counter({
    name: 'yeet_image_requests_total',
    help: 'Image requests by result: hit (cache), miss (rendered), not_modified, refused, error.',
    labelNames: ['result'],
    registers: [o.metrics.registry],
  });

  const refuse = (reply: FastifyReply, status: number, message: string) => {
    requests.inc({ result: status === 503 ? 'error' : 'refused' });
    return reply.code(status).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(message);
  };

  app.get(`${imagePath}/*`, async (req, reply) => {
    const checked = urls.check((req.raw.url ?? '').split('?', 1)[0]?.slice(imagePath.length + 1) ?? '');
    if (!checked.ok) return refuse(reply, checked.status, checked.message);
    const { request } = checked;
    const format = negotiateFormat(req.headers.accept, request.options.format);
    // A URL that names its format is the same for every client.
    if (!request.options.format) reply.header('vary', 'Accept');

    let result: RenditionResult;
    try {
      result = await renditions.get(request, format);
    } catch (err) {
      o.logger.error({ err, source: request.key }, 'image render failed');
      requests.inc({ result: 'error' });
      return reply.code(500).header('cache-control', 'no-store').send('This image could not be prepared.');
    }
    if (result === 'busy') {
      reply.header('retry-after', '2');
      return refuse(reply, 503, 'Too many images are being prepared right now; try again in a moment.');
    }
    if (result === 'missing') return refuse(reply, 404, 'No such image.');

    const { data, etag } = result.rendition;
    reply.headers({ etag, 'cache-control': 'public, max-age=31536000, immutable', 'content-type': contentTypes[format] });
    if (ifNoneMatchMatches(req.headers['if-none-match'], etag)) {
      requests.inc({ result: 'not_modified' });
      return reply.code(304).send();
    }
    requests.inc({ result: result.rendered ? 'miss' : 'hit' });
    return reply.send(data);
  });
}
