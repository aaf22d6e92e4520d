/** Display helpers: ISO durations, ratings, dates. Quantities and minutes: @yeet/domain/quantity. */
export { formatMinutes } from '@yeet/domain/quantity';

/** Machine-readable duration for <time dateTime> and schema.org (ISO 8601). */
export function isoDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `PT${h ? `${h}H` : ''}${m || !h ? `${m}M` : ''}`;
}

export function formatRating(average: number, count: number): string {
  if (count === 0) return 'No ratings yet';
  return `${average.toFixed(1)} out of 5 (${count} ${count === 1 ? 'rating' : 'ratings'})`;
}

export function titleCase(label: string): string {
  return label
    .split(/[-_ ]+/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

// Formatters are costly to create, so there is one of each. UTC on both sides: the page
// rendered on the server and hydrated in the browser must read the same.
const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const momentFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** "23 Nov 2026" */
export const formatDay = (date: Date) => dayFormat.format(date);
/** "23 Nov 2026, 08:10 UTC" */
export const formatMoment = (date: Date) => `${momentFormat.format(date)} UTC`;

/** "Quantities scaled from 3 to 1 serving." */
export function scaledFrom(from: number, to: number): string {
  return `Quantities scaled from ${from} to ${to} ${to === 1 ? 'serving' : 'servings'}.`;
}
