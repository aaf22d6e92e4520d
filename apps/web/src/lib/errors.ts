import { isLocale } from '@yeet/domain/locale';
import { defineMessages, messagesIn } from './i18n';
import { fieldViolationsOf, isConnectError } from './rpc';

const messages = defineMessages('errors', { failed: 'Something went wrong. Try again.' });

/** The page's language: in the browser, the one the page was rendered in (its `<html lang>`). */
const pageLocale = () => {
  const lang = typeof document === 'undefined' ? undefined : document.documentElement.lang;
  return isLocale(lang) ? lang : 'en';
};

/**
 * The API's field violations by field path ("recipe.title" → message), and the overall
 * message. The API writes both in the page's language (it reads the `lang` cookie and
 * Accept-Language the browser sends, or the language the server's render passes on:
 * apps/api/src/rpc/german.ts); a failure that is not the API's reads in it too.
 */
export function describeError(error: unknown): { message: string; fields: Record<string, string> } {
  if (!isConnectError(error)) return { message: messagesIn(messages, pageLocale()).failed, fields: {} };
  const fields: Record<string, string> = {};
  for (const v of fieldViolationsOf(error)) fields[v.field] ??= sentence(v.description);
  return { message: sentence(error.rawMessage), fields };
}

/** "give 1 to 5 stars" → "Give 1 to 5 stars." (the API writes violations as fragments). */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
}
