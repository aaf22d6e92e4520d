import type { Transport } from '@connectrpc/connect';
import { queryOptions } from '@tanstack/react-query';
import { createIsomorphicFn } from '@tanstack/react-start';
import { getRequestHeader } from '@tanstack/react-start/server';
import { weekStartValues, type GetMealPlanResponse } from '@yeet/contract';
import type { Locale } from '@yeet/domain/locale';
import { isDay, weekStartForLocale } from '@yeet/domain/meal-plan';
import { weekStarts, type WeekStart } from '@yeet/domain/values';
import { mealPlanClient } from './rpc';

export { mealPlanClient };

/** The page's URL state: which week (any day of it; none: this week) and the day it starts on. */
export interface PlanSearch {
  week?: string;
  start?: WeekStart;
}

export function validatePlanSearch(raw: Record<string, unknown>): PlanSearch {
  const week = typeof raw.week === 'string' && isDay(raw.week) ? raw.week : undefined;
  const start = (weekStarts as readonly unknown[]).includes(raw.start) ? (raw.start as WeekStart) : undefined;
  return { ...(week ? { week } : {}), ...(start ? { start } : {}) };
}

/**
 * The day weeks start on when the URL does not say: the person's locale's (Sunday in the US,
 * Monday in most of Europe), from the language the browser asks for — on the server its
 * Accept-Language, in the browser the same preference — else Monday.
 */
export const localeWeekStart = createIsomorphicFn()
  .server((): WeekStart => weekStartForLocale(getRequestHeader('accept-language')?.split(',')[0]?.split(';')[0]?.trim()))
  .client((): WeekStart => weekStartForLocale(navigator.languages?.[0] ?? navigator.language));

/** The week start the page shows: the URL's, else the locale's. */
export const weekStartOf = (search: PlanSearch): WeekStart => search.start ?? localeWeekStart();

export const mealPlanKey = ['meal-plan'] as const;

export const mealPlanQuery = (transport: Transport, search: PlanSearch) =>
  queryOptions({
    queryKey: [...mealPlanKey, search.week ?? '', weekStartOf(search)],
    queryFn: ({ signal }): Promise<GetMealPlanResponse> =>
      mealPlanClient(transport).getMealPlan(
        { date: search.week ?? '', weekStart: weekStartValues.toProto(weekStartOf(search)) },
        { signal },
      ),
  });

export const mealPlanFeedQuery = (transport: Transport) =>
  queryOptions({
    queryKey: [...mealPlanKey, 'feed'],
    queryFn: async ({ signal }): Promise<string> => (await mealPlanClient(transport).getMealPlanFeed({}, { signal })).url,
  });

/**
 * A formatter per language made on first use, then kept. Not at module load: this module
 * comes with every page (the .ics route imports it), and a page's first DateTimeFormat costs
 * the browser ~50 ms of main thread (headless Chromium here; four times that on Lighthouse's
 * phone), at load, on pages that show no date.
 */
const dateFormat = (options: Intl.DateTimeFormatOptions) => {
  const made = new Map<Locale, Intl.DateTimeFormat>();
  return (date: Date, locale: Locale) => {
    let format = made.get(locale);
    if (!format) {
      format = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale, { ...options, timeZone: 'UTC' });
      made.set(locale, format);
    }
    return format.format(date);
  };
};
const dayFormat = dateFormat({ weekday: 'long', day: 'numeric', month: 'long' });
const shortFormat = dateFormat({ day: 'numeric', month: 'short' });
const yearFormat = dateFormat({ day: 'numeric', month: 'short', year: 'numeric' });

const utc = (day: string) => new Date(`${day}T00:00:00Z`);
/** "Monday 30 November", "Montag, 30. November" (the same on the server and in the browser: UTC). */
export const dayLabel = (day: string, locale: Locale) => dayFormat(utc(day), locale);
/** "30 Nov – 6 Dec 2026", "30. Nov. – 6. Dez. 2026". */
export const weekLabel = (start: string, end: string, locale: Locale) =>
  `${shortFormat(utc(start), locale)} – ${yearFormat(utc(end), locale)}`;
