import { fieldViolationsOf, isConnectError } from './rpc';

/** The API's field violations by field path ("recipe.title" → message), and the overall message. */
export function describeError(error: unknown): { message: string; fields: Record<string, string> } {
  if (!isConnectError(error)) return { message: 'Something went wrong. Try again.', fields: {} };
  const fields: Record<string, string> = {};
  for (const v of fieldViolationsOf(error)) fields[v.field] ??= sentence(v.description);
  return { message: sentence(error.rawMessage), fields };
}

/** "give 1 to 5 stars" → "Give 1 to 5 stars." (the API writes violations as fragments). */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
}
