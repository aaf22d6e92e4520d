import { invalidField } from './errors.ts';
import { dietaryFlags, difficulties, mealTypes, type DietaryFlag, type Difficulty, type MealType } from './recipe.ts';
import { fold } from './text.ts';

/** Total-time ranges people filter by; disjoint, so several can be combined with OR. */
export const timeBuckets = ['up-to-15', '15-to-30', '30-to-60', '1-to-2-hours', 'over-2-hours'] as const;
export type TimeBucket = (typeof timeBuckets)[number];

export const timeBucketLabels: Record<TimeBucket, string> = {
  'up-to-15': '15 min or less',
  '15-to-30': '15–30 min',
  '30-to-60': '30–60 min',
  '1-to-2-hours': '1–2 hours',
  'over-2-hours': 'Over 2 hours',
};

export const searchSorts = ['relevance', 'newest', 'top_rated', 'quickest'] as const;
export type SearchSort = (typeof searchSorts)[number];

export interface SearchFilter {
  cuisines: string[];
  mealTypes: MealType[];
  difficulties: Difficulty[];
  timeBuckets: TimeBucket[];
  maxTotalMinutes: number | null;
  tags: string[];
  dietaryFlags: DietaryFlag[];
}

export interface SearchText {
  /** What the person typed, trimmed. */
  text: string;
  /** Folded words of letters and digits, in order, at most `maxWords`. */
  words: string[];
  /** The last word is still being typed (the text does not end with a space). */
  prefix: boolean;
}

export const searchLimits = { queryLength: 200, words: 10, wordLength: 40, suggestLength: 100 } as const;

/**
 * Reads a search box. Anything goes in (quotes, operators, emoji): only letters and digits
 * become words, so no input can change the meaning of the query the engine builds.
 */
export function parseSearchText(raw: string, field = 'query', maxLength: number = searchLimits.queryLength): SearchText {
  if (raw.length > maxLength) throw invalidField(field, `must be at most ${maxLength} characters`);
  const words = fold(raw)
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.slice(0, searchLimits.wordLength))
    .slice(0, searchLimits.words);
  return { text: raw.trim(), words, prefix: words.length > 0 && !/[\s\p{P}]$/u.test(raw) };
}

export const facetNames = ['cuisines', 'meal_types', 'difficulty', 'time_buckets', 'tags', 'dietary_flags'] as const;
export type FacetName = (typeof facetNames)[number];

/** Facets with a fixed set of values list all of them, in this order, even at zero. */
export const fixedFacetValues: Partial<Record<FacetName, readonly string[]>> = {
  meal_types: mealTypes,
  difficulty: difficulties,
  time_buckets: timeBuckets,
  dietary_flags: dietaryFlags,
};

const words = (value: string) =>
  value
    .split('-')
    .map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w))
    .join(' ');

/** How a facet value reads: "middle-eastern" → "Middle eastern", "up-to-15" → "15 min or less". */
export function facetLabel(facet: FacetName, value: string): string {
  if (facet === 'time_buckets') return timeBucketLabels[value as TimeBucket] ?? value;
  if (facet === 'dietary_flags') return value.charAt(0).toUpperCase() + value.slice(1);
  if (facet === 'cuisines') return value.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
  return words(value);
}
