import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * `../shared` beside the checkout: reference data the tests read but the repository never
 * copies (the import corpus, CloudNativePG's CRDs). CI has it and sets REQUIRE_SHARED=1, so
 * its absence fails there; in a clone without it (a new user's machine) the tests that need it
 * are skipped with a note instead of failing `npm test`.
 */
export const sharedDir = path.resolve(import.meta.dirname, '../../../shared');

/** The path of `parts` under ../shared, or null (with a note) when it is not there. */
export function sharedPath(...parts: string[]): string | null {
  const full = path.join(sharedDir, ...parts);
  if (existsSync(full)) return full;
  if (process.env.REQUIRE_SHARED) throw new Error(`REQUIRE_SHARED is set but ${full} is missing`);
  console.warn(`Skipped what needs ${full}: it is not beside this checkout.`);
  return null;
}
