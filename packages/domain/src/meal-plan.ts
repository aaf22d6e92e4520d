/**
 * A person's meal plan: days, weeks and the entries in a day's slots. Days are calendar dates
 * ("2026-11-30") without a time zone: a plan is about which day, not which instant.
 * No imports from the edges: the web app uses this module too (`@yeet/domain/meal-plan`).
 */
import { invalidField } from './errors.ts';
import { maxServings, minServings } from './quantity.ts';
import { hasControlCharacters } from './text.ts';
import { mealSlots, type MealSlot, type WeekStart } from './values.ts';

export const mealPlanLimits = {
  servings: { min: minServings, max: maxServings },
  note: { max: 200 },
  /** The days a plan may hold, so a typo in a year ("20026") is refused rather than stored. */
  years: { min: 2000, max: 2100 },
} as const;

/** The weekday (0 = Sunday … 6 = Saturday) each week start names. */
const firstWeekday: Record<WeekStart, number> = { sunday: 0, monday: 1, saturday: 6 };

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

const toDate = (day: string) => new Date(`${day}T00:00:00Z`);
const toDay = (date: Date) => date.toISOString().slice(0, 10);

/** Whether `text` is a real calendar day "YYYY-MM-DD" within the years a plan holds. */
export function isDay(text: string): boolean {
  const m = dayPattern.exec(text);
  if (!m) return false;
  const year = Number(m[1]);
  if (year < mealPlanLimits.years.min || year > mealPlanLimits.years.max) return false;
  const date = toDate(text);
  // "2026-13-01" is no date at all; "2026-02-30" rolls over into March
  return !Number.isNaN(date.getTime()) && toDay(date) === text;
}

/** `text` as a day, or invalid_argument naming `field`. */
export function parseDay(text: string, field: string): string {
  if (!isDay(text)) {
    throw invalidField(
      field,
      `must be a day written YYYY-MM-DD (e.g. 2026-11-30) between ${mealPlanLimits.years.min} and ${mealPlanLimits.years.max}`,
    );
  }
  return text;
}

/** Today in UTC, "YYYY-MM-DD". */
export const today = (now = new Date()): string => toDay(now);

/** The day `n` days after `day` (before it when negative). */
export function addDays(day: string, n: number): string {
  const d = toDate(day);
  d.setUTCDate(d.getUTCDate() + n);
  return toDay(d);
}

/** 0 = Sunday … 6 = Saturday. */
export const weekday = (day: string): number => toDate(day).getUTCDay();

export interface Week {
  start: string;
  end: string;
  /** Seven days, from start to end. */
  days: string[];
}

/** The week holding `day`, starting on `start`. */
export function weekOf(day: string, start: WeekStart = 'monday'): Week {
  const back = (weekday(day) - firstWeekday[start] + 7) % 7;
  const first = addDays(day, -back);
  const days = Array.from({ length: 7 }, (_, i) => addDays(first, i));
  return { start: first, end: days[6] as string, days };
}

/**
 * The week start a locale uses ("en-US" → sunday, "de-DE" → monday, "ar-EG" → saturday), from the
 * region of a BCP 47 tag. Monday for anything else: ISO 8601, and most of the world.
 */
export function weekStartForLocale(locale: string | null | undefined): WeekStart {
  const region = /^[a-z]{2,3}(?:-[A-Za-z]{4})?-([A-Za-z]{2}|\d{3})\b/i.exec(locale ?? '')?.[1]?.toUpperCase();
  if (!region) return 'monday';
  if (sundayRegions.has(region)) return 'sunday';
  if (saturdayRegions.has(region)) return 'saturday';
  return 'monday';
}

// CLDR's weekData (firstDay), the regions that do not start on Monday.
const sundayRegions = new Set(
  'AG AS BD BR BS BT BW BZ CA CN CO DM DO ET GT GU HK HN ID IL IN JM JP KE KH KR LA MH MM MO MT MX MZ NI NP PA PE PH PK PR PT PY SA SG SV TH TT TW UM US VE VI WS YE ZA ZW'.split(
    ' ',
  ),
);
const saturdayRegions = new Set('AE AF BH DJ DZ EG IQ IR JO KW LY OM QA SD SY'.split(' '));

/** What goes in a slot: a recipe at some servings, or a free-text note. */
export type MealPlanItem = { kind: 'recipe'; recipeId: string; servings: number | null } | { kind: 'note'; note: string };

export function isMealSlot(value: string): value is MealSlot {
  return (mealSlots as readonly string[]).includes(value);
}

/** Servings of a planned recipe: a whole number in range, or invalid_argument naming `field`. */
export function parsePlanServings(value: number, field = 'servings'): number {
  const { min, max } = mealPlanLimits.servings;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidField(field, `must be a whole number between ${min} and ${max}`);
  }
  return value;
}

/** A note's text, trimmed: 1-200 characters without control characters. */
export function parsePlanNote(value: string, field = 'note'): string {
  const note = value.trim();
  if (!note) throw invalidField(field, 'must not be empty');
  if ([...note].length > mealPlanLimits.note.max) {
    throw invalidField(field, `must be at most ${mealPlanLimits.note.max} characters`);
  }
  if (hasControlCharacters(note) || /[\r\n\t]/.test(note))
    throw invalidField(field, 'must not contain control characters or line breaks');
  return note;
}
