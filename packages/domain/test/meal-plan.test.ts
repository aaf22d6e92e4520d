import { describe, expect, it } from 'vitest';
import { DomainError } from '../src/errors.ts';
import { addDays, isDay, parsePlanNote, parsePlanServings, weekOf, weekStartForLocale } from '../src/meal-plan.ts';

describe('days', () => {
  it.each([
    ['2026-11-30', true],
    ['2028-02-29', true],
    ['2027-02-29', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['1999-12-31', false],
    ['2101-01-01', false],
    ['2026-11-30T00:00:00Z', false],
    ['', false],
  ])('%s is a day: %s', (text, day) => expect(isDay(text)).toBe(day));

  it('counts across months, years and leap days', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    // no daylight-saving hour lost or gained: days are dates, not instants
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
  });
});

describe('weekOf', () => {
  it.each([
    // Thursday 3 December 2026
    ['2026-12-03', 'monday', '2026-11-30', '2026-12-06'],
    ['2026-12-03', 'sunday', '2026-11-29', '2026-12-05'],
    ['2026-12-03', 'saturday', '2026-11-28', '2026-12-04'],
    // the first and last day of a week are in it
    ['2026-11-30', 'monday', '2026-11-30', '2026-12-06'],
    ['2026-12-06', 'monday', '2026-11-30', '2026-12-06'],
    ['2026-12-06', 'sunday', '2026-12-06', '2026-12-12'],
    ['2026-12-05', 'saturday', '2026-12-05', '2026-12-11'],
    // across a year's end
    ['2027-01-01', 'monday', '2026-12-28', '2027-01-03'],
  ] as const)('the week of %s starting on %s is %s to %s', (day, start, first, last) => {
    const week = weekOf(day, start);
    expect([week.start, week.end]).toEqual([first, last]);
    expect(week.days).toHaveLength(7);
    expect(week.days).toContain(day);
  });
});

describe('weekStartForLocale', () => {
  it.each([
    ['en-US', 'sunday'],
    ['en-GB', 'monday'],
    ['de-DE', 'monday'],
    ['de', 'monday'],
    ['pt-BR', 'sunday'],
    ['ar-EG', 'saturday'],
    ['zh-Hant-TW', 'sunday'],
    ['es-419', 'monday'],
    ['', 'monday'],
    [null, 'monday'],
  ])('%s starts weeks on %s', (locale, start) => expect(weekStartForLocale(locale)).toBe(start));
});

describe('entry values', () => {
  it('takes servings 1 to 100, whole', () => {
    expect(parsePlanServings(1)).toBe(1);
    expect(parsePlanServings(100)).toBe(100);
    for (const bad of [0, 101, 2.5, Number.NaN]) {
      const error = (() => {
        try {
          parsePlanServings(bad);
        } catch (e) {
          return e as DomainError;
        }
      })();
      expect(error?.violations.map((v) => v.field)).toEqual(['servings']);
    }
  });

  it('takes a note of one line, trimmed, up to 200 characters', () => {
    expect(parsePlanNote('  Eating out ')).toBe('Eating out');
    expect(parsePlanNote('é'.repeat(200))).toHaveLength(200);
    for (const bad of ['', '   ', 'x'.repeat(201), 'two\nlines', 'tab\there', 'nul\u0000']) {
      expect(() => parsePlanNote(bad), JSON.stringify(bad)).toThrow(DomainError);
    }
  });
});
