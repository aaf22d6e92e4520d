/** Display helpers: ISO durations, dates and numbers in the reader's language. Quantities and minutes: @yeet/domain/quantity. */
import { decimalMark, type Locale } from '@yeet/domain/locale';
import { useLocale } from './i18n';

export { formatMinutes } from '@yeet/domain/quantity';

/** Machine-readable duration for <time dateTime> and schema.org (ISO 8601). */
export function isoDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `PT${h ? `${h}H` : ''}${m || !h ? `${m}M` : ''}`;
}

export function titleCase(label: string): string {
  return label
    .split(/[-_ ]+/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

/**
 * Intl's formatters in a language. They are costly to create, so there is one of each per
 * language (not one per call, as the i18n library's `formatter` makes). UTC on both sides:
 * the page rendered on the server and hydrated in the browser must read the same.
 */
export interface Formats {
  /** "23 Nov 2026" / "23. Nov. 2026" */
  day(date: Date): string;
  /** "23 Nov 2026, 08:10 UTC" */
  moment(date: Date): string;
  /** 1,234.5 / 1.234,5 */
  number(value: number, fractionDigits?: number): string;
}

const formats = new Map<Locale, Formats>();

export function formatsFor(locale: Locale): Formats {
  let f = formats.get(locale);
  if (!f) {
    const tag = locale === 'en' ? 'en-GB' : locale;
    // Each made on first use, not with the rest: a page's first DateTimeFormat costs the
    // browser ~50 ms of main thread (lib/meal-plan.ts), and most pages show no date.
    let day: Intl.DateTimeFormat | undefined;
    let moment: Intl.DateTimeFormat | undefined;
    const numbers = new Map<number, Intl.NumberFormat>();
    f = {
      day: (date) => {
        day ??= new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
        return day.format(date);
      },
      moment: (date) => {
        moment ??= new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
        return `${moment.format(date)} UTC`;
      },
      number: (value, fractionDigits) => {
        // a rating's "4.5" on every card: no formatter needed below a thousand (no grouping)
        if (fractionDigits !== undefined && Math.abs(value) < 1000) {
          return decimalMark(value.toFixed(fractionDigits), locale);
        }
        const key = fractionDigits ?? -1;
        let nf = numbers.get(key);
        if (!nf) {
          nf = new Intl.NumberFormat(
            tag,
            fractionDigits === undefined ? {} : { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits },
          );
          numbers.set(key, nf);
        }
        return nf.format(value);
      },
    };
    formats.set(locale, f);
  }
  return f;
}

/** The reader's language's formats. */
export const useFormats = (): Formats => formatsFor(useLocale());
