import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * The first DateTimeFormat a browser page creates costs it ~50 ms of main thread (ICU's data);
 * the meal plan's module comes with every page, most of which show no date: its formatters
 * are made when a label is first asked for, not when the module loads.
 */
describe('meal plan labels', () => {
  afterEach(() => vi.restoreAllMocks());

  it('makes no date formatter until a label is asked for, then keeps the one it made', async () => {
    vi.resetModules();
    const made = vi.spyOn(Intl, 'DateTimeFormat');
    const { dayLabel, weekLabel } = await import('../src/lib/meal-plan');
    expect(made).not.toHaveBeenCalled();
    expect(dayLabel('2026-11-30', 'en')).toBe('Monday 30 November');
    expect(dayLabel('2026-12-01', 'en')).toBe('Tuesday 1 December');
    expect(made).toHaveBeenCalledTimes(1);
    expect(weekLabel('2026-11-30', '2026-12-06', 'en')).toBe('30 Nov – 6 Dec 2026');
    expect(made).toHaveBeenCalledTimes(3);
  });

  it('writes them in the reader’s language, one formatter per language', async () => {
    vi.resetModules();
    const made = vi.spyOn(Intl, 'DateTimeFormat');
    const { dayLabel, weekLabel } = await import('../src/lib/meal-plan');
    expect(dayLabel('2026-11-30', 'de')).toBe('Montag, 30. November');
    expect(dayLabel('2026-11-30', 'en')).toBe('Monday 30 November');
    expect(dayLabel('2026-12-01', 'de')).toBe('Dienstag, 1. Dezember');
    expect(made).toHaveBeenCalledTimes(2);
    expect(weekLabel('2026-11-30', '2026-12-06', 'de')).toBe('30. Nov. – 6. Dez. 2026');
  });
});
