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

const fingerprint = (query: unknown) => createHash('sha256').update(JSON.stringify(query)).digest('base64url').slice(0, 10);

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
  if (!p || typeof p.q !== 'string' || (typeof p.k !== 'string' && typeof p.k !== 'number') || typeof p.i !== 'string') {
    throw invalidPageToken();
  }
  if (p.q !== fingerprint(query)) {
    throw invalidField('pageToken', 'belongs to a different filter or sort; start again without it');
  }
  return { key: p.k, id: p.i };
}

// Stores import the key checks with the cursors; they are the domain's.
export { isSlug, isUuid } from '@yeet/domain';
