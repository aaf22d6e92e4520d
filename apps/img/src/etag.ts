import { createHash } from 'node:crypto';

/** A strong validator: the content's hash. */
export function etagOf(data: Buffer): string {
  return `"${createHash('sha256').update(data).digest('base64url').slice(0, 32)}"`;
}

/** One entity tag of a list, weak or strong; a tag may contain commas, so the list is not split on them. */
const listedTag = /(?:^|,)[ \t]*(?:W\/)?("[^"]*")[ \t]*(?=,|$)/g;

/**
 * Whether `If-None-Match` matches a representation with the strong validator `etag` (RFC 9110
 * §13.1.2): `*`, or a list of entity tags one of which is `etag` by weak comparison (`W/"x"`
 * matches `"x"`). A GET it matches is answered 304.
 */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  for (const [, tag] of header.matchAll(listedTag)) if (tag === etag) return true;
  return false;
}
