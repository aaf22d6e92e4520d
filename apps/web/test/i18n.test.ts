import { pickLocale } from '@yeet/domain/locale';
import { describe, expect, it } from 'vitest';
import { de } from '../src/i18n/de';
import { count, declared, defineMessages, messagesIn, params } from '../src/lib/i18n';
import { routeTree } from '../src/routeTree.gen';

/**
 * German is complete: every message any page or component declares (importing the route tree
 * loads them all) has its German, and German has nothing English no longer declares.
 */
describe('the translations', () => {
  it('cover every message in German, and nothing else', () => {
    expect(routeTree).toBeDefined();
    expect(declared.size).toBeGreaterThan(10);
    const german = de as Record<string, Record<string, unknown>>;
    for (const [name, base] of declared) {
      expect(Object.keys(german[name] ?? {}).sort(), `de.${name}`).toEqual(Object.keys(base).sort());
      for (const [key, value] of Object.entries(base)) {
        // a count() message has its forms ({ one, other }), a plain one a string
        const counted = typeof value === 'object' && typeof (value as { input?: unknown }).input === 'object';
        const translated = german[name]?.[key];
        expect(typeof translated === 'object' ? 'forms' : 'text', `de.${name}.${key}`).toBe(counted ? 'forms' : 'text');
      }
    }
    for (const name of Object.keys(german)) expect(declared.has(name), `de.${name} is declared`).toBe(true);
  });

  it('keep a placeholder for every parameter English has', () => {
    const german = de as Record<string, Record<string, unknown>>;
    const placeholders = (text: unknown) => [...JSON.stringify(text).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [name, base] of declared) {
      for (const [key, value] of Object.entries(base)) {
        const english = typeof value === 'object' ? (value as { input: unknown }).input : value;
        expect(new Set(placeholders(german[name]?.[key])), `de.${name}.${key}`).toEqual(new Set(placeholders(english)));
      }
    }
  });

  it('read a message in each language from the same declaration', async () => {
    const m = defineMessages('test-only', { hello: params('Hello {name}') });
    expect(messagesIn(m, 'en').hello({ name: 'Ada' })).toBe('Hello Ada');
    // a language not loaded reads English (never a blank)
    expect(messagesIn(m, 'de').hello({ name: 'Ada' })).toBe('Hello Ada');
    declared.delete('test-only');
  });

  it('put parameters in as given: every occurrence, numbers, "$" in a value, counted forms', () => {
    const m = defineMessages('test-params', {
      twice: params('{name} and {name} ({n})'),
      unknown: params<{ name: string }>('Hi {name}, {missing}'),
      ratings: params(count({ one: '{n} rating by {who}', many: '{n} ratings by {who}' })),
    });
    const t = messagesIn(m, 'en');
    expect(t.twice({ name: 'Ada', n: 2 })).toBe('Ada and Ada (2)');
    expect(t.twice({ name: "$& $1 $$ $'", n: 0 })).toBe("$& $1 $$ $' and $& $1 $$ $' (0)");
    expect(t.unknown({ name: 'Bo' })).toBe('Hi Bo, {missing}');
    expect(t.ratings({ n: 1, who: 'Cy' })(1)).toBe('1 rating by Cy');
    expect(t.ratings({ n: 3, who: 'Cy' })(3)).toBe('3 ratings by Cy');
    declared.delete('test-params');
  });

  it('pick the plural form by the language’s rules, {count} in every place, "other" or "many" when a form is missing', () => {
    const m = defineMessages('test-count', {
      servings: count({ one: '{count} serving ({count})', other: '{count} servings' }),
      onlyMany: count({ one: 'one', many: '{count} of them' }),
    });
    const t = messagesIn(m, 'en');
    expect([0, 1, 2, 1.5].map((n) => t.servings(n))).toEqual(['0 servings', '1 serving (1)', '2 servings', '1.5 servings']);
    expect(t.onlyMany(7)).toBe('7 of them');
    declared.delete('test-count');
  });
});

describe('the language of a request', () => {
  it.each([
    [undefined, undefined, 'en'],
    [undefined, 'de-DE,de;q=0.9,en;q=0.8', 'de'],
    [undefined, 'de-AT', 'de'],
    [undefined, 'fr-FR,fr;q=0.9', 'en'],
    [undefined, 'fr;q=0.9,de;q=0.8,en;q=0.7', 'de'],
    [undefined, 'en;q=0.5,de;q=0.9', 'de'],
    [undefined, 'de;q=0,en', 'en'],
    ['lang=en', 'de', 'en'],
    ['yeet_js=1; lang=de', 'en-US', 'de'],
    ['lang=klingon', 'de', 'de'],
  ])('cookie %s, Accept-Language %s: %s', (cookie, accept, expected) => {
    expect(pickLocale(cookie, accept)).toBe(expected);
  });
});
