import type { OutputFormat } from '@yeet/media';
import { LRUCache } from 'lru-cache';
import Negotiator from 'negotiator';

export const contentTypes: Record<OutputFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
};

/** What a URL that leaves the format open may get; JPEG stands for "anything else". */
const offered = [contentTypes.avif, contentTypes.webp, contentTypes.jpeg];
const formatOf = new Map<string, OutputFormat>([
  [contentTypes.avif, 'avif'],
  [contentTypes.webp, 'webp'],
]);

/**
 * The URL's own format, else AVIF or WebP as `Accept` prefers them (q-values, then the
 * client's order; `q=0` refuses), else JPEG, which every client decodes. AVIF and WebP must
 * be named: wildcards (`image/*`, any type) also come from clients that cannot decode them.
 */
export function negotiateFormat(accept: string | undefined, requested: OutputFormat | null): OutputFormat {
  if (requested) return requested;
  if (!accept) return 'jpeg';
  const known = chosen.get(accept);
  if (known) return known;
  const format = preferred(accept);
  chosen.set(accept, format);
  return format;
}

/** Browsers send a handful of distinct headers, and parsing one costs tens of microseconds: once each. */
const chosen = new LRUCache<string, OutputFormat>({ max: 1000 });

function preferred(accept: string): OutputFormat {
  const negotiator = new Negotiator({ headers: { accept } });
  const named = new Set(negotiator.mediaTypes().map((type) => type.toLowerCase()));
  for (const type of negotiator.mediaTypes(offered)) {
    const format = formatOf.get(type);
    if (!format) return 'jpeg';
    if (named.has(type)) return format;
  }
  return 'jpeg';
}
