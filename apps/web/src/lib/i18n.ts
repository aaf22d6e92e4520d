/**
 * The one i18n layer of the web app (issue 17, decision 0042): @nanostores/i18n.
 *
 * Each component declares its English messages beside its code:
 *
 *   const messages = defineMessages('recipeCard', { saved: 'Saved', minutes: params('{n} min') });
 *   const t = useMessages(messages); // t.saved, t.minutes({ n: 5 })
 *
 * German lives in ../i18n/de.ts, one object per component, loaded only by German readers
 * (English visitors never download it). The library's own model is one locale store per app;
 * a server renders many requests at once in different languages, so here there is one i18n
 * instance per language, each with a locale that never changes and its translations given up
 * front (no loading, nothing shared between languages), and a request picks its instance by
 * the locale it was rendered in (React context, set by the root route from the router's
 * context). A reader changes language by the switch, which reloads the page in the other
 * language (it sets a cookie), so a component's messages are fixed for a page's life.
 */
import {
  type Components,
  type ComponentsJSON,
  createI18n,
  type count as libraryCount,
  type I18n,
  type params as libraryParams,
  strings,
  type Translations,
  transform,
} from '@nanostores/i18n';
import { defaultLocale, type Locale } from '@yeet/domain/locale';
import { atom } from 'nanostores';
import { createContext, useContext } from 'react';

/*
 * The library's `count` and `params` (same types, same output) made cheap to call, as a page
 * calls them for every card, star and serving: its `count` builds an Intl.PluralRules on each
 * call and its `params` compiles a regular expression per value — together ~4 % of a signed-in
 * page's render in a profile. Here the rules are made once per language, and one regular
 * expression serves every call. A value goes in as it is (a "$&" in it is not a pattern).
 */
const pluralRules = new Map<string, Intl.PluralRules>();

export const count = transform((locale, translation: Record<string, string>, n: number) => {
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  let form: string = rules.select(n);
  if (!(form in translation)) form = 'other' in translation ? 'other' : 'many';
  return strings(translation[form]!, (text) => text.replaceAll('{count}', () => String(n)));
}) as typeof libraryCount;

const placeholder = /\{([^{}]+)\}/g;

export const params = transform((_locale, translation, values: Record<string, number | string>) =>
  strings(translation, (text) =>
    text.replace(placeholder, (whole, name: string) => (Object.hasOwn(values, name) ? String(values[name]) : whole)),
  ),
) as typeof libraryParams;

export type { Locale };

const loaded: Partial<Record<Locale, ComponentsJSON>> = { en: {} };
const instances: Partial<Record<Locale, I18n<Locale>>> = {};

/** Makes a language's translations available (once per process): before rendering or hydrating a page in it. */
export async function loadLocale(locale: Locale): Promise<void> {
  if (loaded[locale]) return;
  // One chunk per language beside English, fetched only by its readers.
  loaded[locale] = (await import('../i18n/de')).de;
}

function instance(locale: Locale): I18n<Locale> {
  let i18n = instances[locale];
  if (!i18n) {
    const translations = loaded[locale] ?? {};
    i18n = createI18n(atom<Locale>(locale), {
      baseLocale: defaultLocale,
      cache: { [locale]: translations } as unknown as Record<Locale, Components>,
      // Never called: every language's translations are in the cache before its first page.
      get: async () => ({}),
      isSSR: typeof window === 'undefined',
    });
    instances[locale] = i18n;
  }
  return i18n;
}

/** A component's messages: its English text, and the same in each language once asked for. */
export interface MessageSet<Body extends Translations> {
  readonly name: string;
  readonly base: Body;
  readonly resolved: Partial<Record<Locale, Body>>;
}

/** Every component's English messages, by name: what ../i18n/de.ts must cover (apps/web/test/i18n.test.ts). */
export const declared = new Map<string, Translations>();

export function defineMessages<Body extends Translations>(name: string, base: Body): MessageSet<Body> {
  declared.set(name, base);
  return { name, base, resolved: {} };
}

/** The messages in `locale`, made once per language and component (the instance's atom, read once). */
export function messagesIn<Body extends Translations>(set: MessageSet<Body>, wanted: Locale): Body {
  // A page is never rendered in a language not loaded first (loadLocale); should one be, it
  // reads English rather than failing (and nothing is kept: the language may load later).
  const locale = loaded[wanted] ? wanted : defaultLocale;
  let body = set.resolved[locale];
  if (!body) {
    body = instance(locale)(set.name, set.base).get();
    set.resolved[locale] = body;
  }
  return body;
}

export const LocaleContext = createContext<Locale>(defaultLocale);

export const useLocale = () => useContext(LocaleContext);

export function useMessages<Body extends Translations>(set: MessageSet<Body>): Body {
  return messagesIn(set, useLocale());
}
