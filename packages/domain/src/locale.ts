/**
 * The languages the site is written in, and which one a request reads (issue 17; decision
 * 0042). No imports: the web app's bundle uses this module (`@yeet/domain/locale`) too.
 */

export const locales = ['en', 'de'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'en';

/** The cookie the language switch writes (apps/web/src/routes/lang.ts): a choice made here outranks the browser's. */
export const localeCookieName = 'lang';

export const isLocale = (value: unknown): value is Locale => locales.includes(value as Locale);

/** A number written with a decimal point ("1.5"), with the language's decimal mark: "1,5" in German. No grouping in either. */
export const decimalMark = (text: string, locale: Locale): string => (locale === 'de' ? text.replace('.', ',') : text);

/**
 * The language of a request: the `lang` cookie if it names one of ours, then the first of
 * Accept-Language's languages (by weight, `de-AT` read as `de`) that we have, then English.
 */
export function pickLocale(cookieHeader: string | undefined, acceptLanguage: string | undefined): Locale {
  const chosen = new RegExp(`(?:^|;)\\s*${localeCookieName}=([^;]*)`).exec(cookieHeader ?? '')?.[1]?.trim();
  if (isLocale(chosen)) return chosen;
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part, order) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { language: tag.trim().toLowerCase().split('-')[0], weight: q === undefined ? 1 : Number(q), order };
    })
    .filter((l) => l.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.order - b.order);
  return wanted.map((l) => l.language).find(isLocale) ?? defaultLocale;
}
