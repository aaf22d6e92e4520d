import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/**
 * Compression of the pages the web server renders (its static files are compressed once at
 * build time, scripts/build-web.ts). zlib runs on libuv's thread pool, so the event loop
 * only waits for the answer. Brotli at quality 5 and gzip at level 6: on a 60 KB page both
 * take about a millisecond and keep most of what their best settings would save.
 */
export type Encoding = 'br' | 'gzip';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** Below this, the headers outweigh what compression saves. */
const smallest = 1024;

/** What a response may be compressed as: text, not images or archives (already compressed). */
export function compressible(contentType: string | null | undefined): boolean {
  if (!contentType) return false;
  return /^(text\/|application\/(json|javascript|xml|manifest\+json|[\w.+-]+\+(json|xml))|image\/svg\+xml)/i.test(contentType);
}

/**
 * The encoding to answer with for an Accept-Encoding header (RFC 9110 §12.5.3): brotli when
 * the client takes it, else gzip, else none. `q=0` refuses a coding, `*` stands for the
 * codings not named.
 */
export function negotiate(acceptEncoding: string | undefined): Encoding | null {
  if (!acceptEncoding) return null;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    weights.set(name, q === undefined ? 1 : Number(q));
  }
  const weight = (coding: Encoding) =>
    weights.get(coding) ?? (coding === 'gzip' ? weights.get('x-gzip') : undefined) ?? weights.get('*') ?? 0;
  const br = weight('br');
  const gz = weight('gzip');
  if (br > 0 && br >= gz) return 'br';
  if (gz > 0) return 'gzip';
  return null;
}

/** `body` in `encoding`, or null when it is too small to be worth it. */
export async function compress(body: Buffer, encoding: Encoding): Promise<Buffer | null> {
  if (body.length < smallest) return null;
  const out =
    encoding === 'br'
      ? await brotli(body, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
        })
      : await gzipped(body, { level: 6 });
  return out.length < body.length ? out : null;
}
