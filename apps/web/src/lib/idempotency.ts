import type { CallOptions } from '@connectrpc/connect';
import { useRef } from 'react';

/**
 * The Idempotency-Key of one form's submissions (docs/decisions/0017-idempotency-keys.md):
 * sending the same request again before one succeeded (a double click, a retry after the
 * network failed) reuses its key, so the API does the write once; a different request, or any
 * request after a success, gets a new key. Keys are per call name, so a submission that makes
 * several writes keeps one key for each.
 */
export function useIdempotencyKeys() {
  const pending = useRef(new Map<string, { request: string; key: string }>());
  return {
    options(call: string, request: unknown): CallOptions {
      const body = JSON.stringify(request, (_name, value) => (typeof value === 'bigint' ? value.toString() : value));
      let entry = pending.current.get(call);
      if (entry?.request !== body) {
        entry = { request: body, key: newKey() };
        pending.current.set(call, entry);
      }
      return { headers: { 'Idempotency-Key': entry.key } };
    },
    /** The submission succeeded: the next one is a new request. */
    done(): void {
      pending.current.clear();
    },
  };
}

/** crypto.randomUUID exists only in secure contexts; a site served over plain HTTP still gets 122 random bits. */
function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
