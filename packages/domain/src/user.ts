import { invalidField } from './errors.ts';
import { hasControlCharacters } from './text.ts';

export const maxDisplayNameLength = 80;

/** A name shown next to recipes and reviews. */
export function parseDisplayName(raw: string, field = 'displayName'): string {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (!name) throw invalidField(field, 'say what name to show; it cannot be empty');
  if (name.length > maxDisplayNameLength) throw invalidField(field, `must be at most ${maxDisplayNameLength} characters`);
  if (hasControlCharacters(name)) throw invalidField(field, 'contains control characters; remove them');
  return name;
}
