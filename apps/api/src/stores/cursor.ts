import { createHash } from 'node:crypto';
import { invalidField } from '@yeet/domain';

/**
 * Opaque keyset-paging tokens: the sort key of the last row seen plus a fingerprint of the
 * query, so a token cannot be replayed against a different filter or sort.
 */
export interface CursorPosition {
  key: string | number;
  id: string;
}

export const invalidPageToken = () => invalidField('pageToken', 'is not a token this API issued; start again without it');

const fingerprint = (query: unknown) =>
  createHash('sha256').update(JSON.stringify(query)).digest('base64url').slice(0, 10);

export function encodeCursor(query: unknown, position: CursorPosition): string {
  return Buffer.from(JSON.stringify({ q: fingerprint(query), k: position.key, i: position.id })).toString('base64url');
}

export function decodeCursor(query: unknown, token: string): CursorPosition | null {
  if (!token) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const p = parsed as { q?: unknown; k?: unknown; i?: unknown } | null;
  if (
    !p ||
    typeof p.q !== 'string' ||
    (typeof p.k !== 'string' && typeof p.k !== 'number') ||
    typeof p.i !== 'string'
  ) {
    throw invalidPageToken();
  }
  if (p.q !== fingerprint(query)) {
    throw invalidField('pageToken', 'belongs to a different filter or sort; start again without it');
  }
  return { key: p.k, id: p.i };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids that are not UUIDs cannot exist; stores treat them as "not found" without asking. */
export const isUuid = (id: string): boolean => uuidPattern.test(id);

/** The same for slugs, whose shape the database enforces. */
export const isSlug = (slug: string): boolean => slug.length <= 100 && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug);
