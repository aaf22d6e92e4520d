import { invalidField } from './errors.ts';
import { fold } from './text.ts';
import {
  dietaryFlagLabels,
  dietaryFlags,
  difficulties,
  difficultyLabels,
  mealTypeLabels,
  mealTypes,
  timeBucketLabels,
  timeBuckets,
  type DietaryFlag,
  type Difficulty,
  type MealType,
  type TimeBucket,
} from './values.ts';

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

const fixedFacetLabels: Partial<Record<FacetName, Readonly<Record<string, string>>>> = {
  meal_types: mealTypeLabels,
  difficulty: difficultyLabels,
  time_buckets: timeBucketLabels,
  dietary_flags: dietaryFlagLabels,
};

const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * How a facet value reads: a fixed value by its label ("up-to-15" → "15 min or less"), a
 * cuisine as a name ("middle-eastern" → "Middle Eastern"), a tag as words ("one-pot" → "One pot").
 */
export function facetLabel(facet: FacetName, value: string): string {
  const fixed = fixedFacetLabels[facet];
  if (fixed) return fixed[value] ?? value;
  const words = value.split('-');
  return facet === 'cuisines' ? words.map(capitalised).join(' ') : [capitalised(words[0] ?? ''), ...words.slice(1)].join(' ');
}
