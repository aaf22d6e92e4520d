import type { OutputFormat } from '@yeet/media';
import Negotiator from 'negotiator';

export const contentTypes: Record<OutputFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
};

/** Smallest first: on a tie in the client's preferences, the smaller file wins. */
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
  const negotiator = new Negotiator({ headers: { accept } });
  const named = new Set(negotiator.mediaTypes().map((type) => type.toLowerCase()));
  for (const type of negotiator.mediaTypes(offered)) {
    const format = formatOf.get(type);
    if (!format) return 'jpeg';
    if (named.has(type)) return format;
  }
  return 'jpeg';
}
