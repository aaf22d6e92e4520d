import { fold } from './text.ts';
import {
  dietaryFlagLabels,
  difficultyLabels,
  mealTypeLabels,
  type DietaryFlag,
  type Difficulty,
  type MealType,
} from './values.ts';

/**
 * Query understanding: the words of a search that name a filter ("quick vegan" → Quick,
 * Vegan) and typo correction against the index's vocabulary. Pure functions; the engine
 * supplies the vocabulary (see docs/decisions/0016-query-understanding.md).
 */

/** A filter read from the query's words; `words` are the positions (in `SearchText.words`) it consumed. */
export type InterpretedFilter =
  | { facet: 'dietary_flags'; value: DietaryFlag; label: string; words: number[] }
  | { facet: 'meal_types'; value: MealType; label: string; words: number[] }
  | { facet: 'difficulty'; value: Difficulty; label: string; words: number[] }
  | { facet: 'cuisines'; value: string; label: string; words: number[] }
  | { facet: 'max_total_minutes'; value: string; label: string; words: number[] };

export interface InterpretedQuery {
  filters: InterpretedFilter[];
  /** Positions of the words left to match as text. */
  text: number[];
}

type Meaning = Omit<InterpretedFilter, 'words'>;

const plural = (w: string) => [w, w.endsWith('h') || w.endsWith('s') ? `${w}es` : `${w}s`];

/** Phrases (folded words joined by spaces) → the filter they name. Compounds come spelled every way people type them. */
function fixedPhrases(): Map<string, Meaning> {
  const phrases = new Map<string, Meaning>();
  const diet = (value: DietaryFlag, ...spellings: string[]) => {
    for (const s of spellings) phrases.set(s, { facet: 'dietary_flags', value, label: dietaryFlagLabels[value] });
  };
  diet('vegetarian', 'vegetarian', 'veggie', 'veggies');
  diet('vegan', 'vegan', 'vegans', 'plant based', 'plantbased');
  for (const [value, word] of [
    ['gluten-free', 'gluten'],
    ['dairy-free', 'dairy'],
    ['nut-free', 'nut'],
  ] as const) {
    diet(value, `${word} free`, `${word}free`, `no ${word}`, `without ${word}`, `${word}s free`, `no ${word}s`);
  }
  diet('dairy-free', 'lactose free', 'lactosefree');
  for (const [value, label] of Object.entries(mealTypeLabels) as Array<[MealType, string]>) {
    for (const s of plural(value)) phrases.set(s, { facet: 'meal_types', value, label });
  }
  for (const s of ['side dish', 'side dishes'])
    phrases.set(s, { facet: 'meal_types', value: 'side', label: mealTypeLabels.side });
  for (const s of ['pudding', 'puddings', 'sweets'])
    phrases.set(s, { facet: 'meal_types', value: 'dessert', label: mealTypeLabels.dessert });
  for (const [value, spellings] of [
    ['easy', ['easy', 'simple', 'beginner']],
    ['medium', ['medium', 'intermediate']],
    ['hard', ['hard', 'difficult', 'challenging', 'advanced']],
  ] as const) {
    for (const s of spellings) phrases.set(s, { facet: 'difficulty', value, label: difficultyLabels[value] });
  }
  for (const s of ['quick', 'quickly', 'fast', 'speedy']) phrases.set(s, quick);
  return phrases;
}

/** "Quick" is ready in half an hour, the time most recipe sites put on it. */
const quickMinutes = 30;
const quick: Meaning = { facet: 'max_total_minutes', value: String(quickMinutes), label: `Quick (${quickMinutes} min or less)` };
const within = (minutes: number): Meaning => ({
  facet: 'max_total_minutes',
  value: String(minutes),
  label: minutes % 60 === 0 ? `Under ${minutes / 60} h` : `Under ${minutes} min`,
});

const fixed = fixedPhrases();
const longestPhrase = 3;
/** Words that only say "a recipe": dropped rather than required in the text ("recipes with chickpeas"). */
const filler = new Set([
  'recipe',
  'recipes',
  'idea',
  'ideas',
  'with',
  'for',
  'a',
  'an',
  'the',
  'and',
  'some',
  'of',
  'how',
  'to',
  'make',
]);
const timeLead = new Set(['under', 'in', 'within', 'less', 'than', 'below', 'max', 'ready']);
const minuteWords = new Set(['minute', 'minutes', 'min', 'mins', 'm']);
const hourWords = new Set(['hour', 'hours', 'hr', 'hrs', 'h']);

/** Every word that filters or filler words are made of: typo correction must not rewrite these. */
export function understoodWords(cuisines: readonly string[]): Set<string> {
  const words = new Set<string>([...filler, ...timeLead, ...minuteWords, ...hourWords, 'an', 'one']);
  for (const phrase of fixed.keys()) for (const w of phrase.split(' ')) words.add(w);
  for (const c of cuisines) for (const w of c.split('-')) words.add(w);
  return words;
}

/**
 * Reads filters out of a query's words. A phrase is taken only whole, longest first; a
 * time is "quick", or a number of minutes/hours after "under"/"in" ("under 30 minutes",
 * "in 1 hour"). Filler words ("recipes with") are dropped when other words remain.
 * `cuisines` are the cuisine values that exist ("middle-eastern").
 */
export function interpretQuery(words: readonly string[], cuisines: readonly string[]): InterpretedQuery {
  const phrases = new Map(fixed);
  for (const c of cuisines) {
    const label = c
      .split('-')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(' ');
    const meaning: Meaning = { facet: 'cuisines', value: c, label };
    phrases.set(c.split('-').join(' '), meaning);
    phrases.set(c.split('-').join(''), meaning);
  }
  const filters: InterpretedFilter[] = [];
  const text: number[] = [];
  const seen = new Set<string>();
  const add = (meaning: Meaning, from: number, to: number) => {
    const positions = Array.from({ length: to - from }, (_, k) => from + k);
    const key = `${meaning.facet}:${meaning.value}`;
    const same = filters.find((f) => `${f.facet}:${f.value}` === key);
    if (same) same.words.push(...positions);
    else filters.push({ ...meaning, words: positions } as InterpretedFilter);
    seen.add(key);
  };
  let i = 0;
  while (i < words.length) {
    const time = readTime(words, i);
    if (time) {
      add(within(time.minutes), i, time.end);
      i = time.end;
      continue;
    }
    let matched = false;
    for (let n = Math.min(longestPhrase, words.length - i); n >= 1 && !matched; n--) {
      const meaning = phrases.get(words.slice(i, i + n).join(' '));
      if (meaning) {
        add(meaning, i, i + n);
        i += n;
        matched = true;
      }
    }
    if (!matched) text.push(i++);
  }
  // Several time words keep the tightest.
  const times = filters.filter((f) => f.facet === 'max_total_minutes');
  if (times.length > 1) {
    const tightest = times.reduce((a, b) => (Number(a.value) <= Number(b.value) ? a : b));
    for (const t of times) if (t !== tightest) tightest.words.push(...t.words);
    filters.splice(0, filters.length, ...filters.filter((f) => f.facet !== 'max_total_minutes' || f === tightest));
  }
  const content = text.filter((p) => !filler.has(words[p]!));
  return { filters, text: content.length > 0 || filters.length > 0 ? content : text };
}

/** "under 30 minutes", "30 min", "in 1 hour", "under an hour" → minutes and where the phrase ends. */
function readTime(words: readonly string[], at: number): { minutes: number; end: number } | null {
  let i = at;
  while (i < words.length && timeLead.has(words[i]!) && i - at < 2) i++;
  const lead = i > at;
  const amount = words[i] === 'an' || words[i] === 'one' ? 1 : Number(words[i]);
  if (!Number.isInteger(amount) || amount <= 0 || amount > 1000) return null;
  const unit = words[i + 1];
  if (unit !== undefined && minuteWords.has(unit) && (lead || unit !== 'm')) return { minutes: amount, end: i + 2 };
  if (unit !== undefined && hourWords.has(unit)) return { minutes: amount * 60, end: i + 2 };
  return null;
}

/** Typos allowed in a word of this length: none below 4 letters, one from 4, two from 8 (as Typesense and Meilisearch). */
export function allowedTypos(length: number): number {
  return length >= 8 ? 2 : length >= 4 ? 1 : 0;
}

let rows = new Int32Array(3 * 64);

/**
 * Edit distance where swapping two neighbouring letters is one edit (optimal string
 * alignment, the Damerau–Levenshtein variant spell checkers use): "coalda" → "colada" is 1.
 * Gives up early: anything above `max` is returned as `max + 1`.
 */
export function typoDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const width = b.length + 1;
  if (rows.length < width * 3) rows = new Int32Array(width * 3 * 2);
  // three rows (i-2, i-1, i) in one reused buffer: this runs for thousands of words per typo
  let before = 0;
  let previous = width;
  let current = width * 2;
  for (let j = 0; j < width; j++) rows[previous + j] = j;
  for (let i = 1; i <= a.length; i++) {
    rows[current] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cb = b.charCodeAt(j - 1);
      let d = Math.min(rows[previous + j]! + 1, rows[current + j - 1]! + 1, rows[previous + j - 1]! + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) d = Math.min(d, rows[before + j - 2]! + 1);
      rows[current + j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return Math.min(rows[previous + b.length]!, max + 1);
}

/**
 * The query as typed without the words at `positions` (as numbered in `SearchText.words`):
 * what the search box says once a filter read from those words is removed.
 */
export function withoutWords(raw: string, positions: readonly number[]): string {
  const drop = new Set(positions);
  let word = 0;
  let out = '';
  let last = 0;
  let keptAny = false;
  let keptLast = true;
  for (const m of raw.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
    const separator = raw.slice(last, m.index);
    last = m.index + m[0].length;
    const count = fold(m[0])
      .split(/[^a-z0-9]+/)
      .filter(Boolean).length;
    const mine = Array.from({ length: count }, (_, k) => word + k);
    word += count;
    keptLast = count === 0 || !mine.every((p) => drop.has(p));
    if (!keptLast) continue;
    out += (keptAny ? separator : '') + m[0];
    keptAny = true;
  }
  return (keptLast ? out + raw.slice(last) : out).trim();
}
