import { describe, expect, it } from 'vitest';
import { type UnitSystem, displayAmount, isUnitSystem, measureUnit, recipeUnitSystem } from '../src/units.ts';

const show = (quantity: number | null, unit: string, factor: number, system: UnitSystem = 'metric', convert = false) => {
  const { quantity: q, unit: u } = displayAmount({ quantity, unit }, factor, system, convert);
  return [q, u].filter(Boolean).join(' ');
};

describe('scaled amounts in the recipe’s own units', () => {
  it.each([
    // metric climbs and descends, decimals not fractions, never a five-figure gram count
    [1067, 'g', 1, '1067 g'], // unscaled: as written
    [800, 'g', 4 / 3, '1.07 kg'],
    [400, 'g', 1000 / 3, '133 kg'],
    [200, 'g', 1 / 3, '67 g'],
    [1.5, 'kg', 1 / 3, '500 g'],
    [5, 'g', 1 / 3, '1.7 g'],
    [750, 'ml', 2, '1.5 l'],
    [1, 'l', 1 / 4, '250 ml'],
    [500, 'mg', 1 / 2, '250 mg'], // the author's unit while it reads
    [500, 'mg', 4, '2 g'],
    [2, 'dl', 2, '4 dl'],
    [2, 'dl', 10, '2 l'],
    // spoons and cups, in amounts their sets measure
    [1, 'tsp', 3, '1 tbsp'],
    [1, 'tsp', 4, '4 tsp'],
    [0.25, 'cup', 1 / 3, '4 tsp'],
    [1, 'cup', 1 / 3, '⅓ cup'],
    [2, 'cups', 5 / 4, '2½ cups'],
    [1, 'cup', 1 / 2, '½ cup'],
    [2, 'tablespoons', 1 / 2, '1 tbsp'],
    [2, 'Tablespoons', 1, '2 Tablespoons'],
    // imperial mass
    [8, 'oz', 3, '1½ lbs'],
    [1, 'lb', 1 / 4, '4 oz'],
    // not measures: only scaled
    [2, 'cloves', 1 / 2, '1 clove'],
    [3, '', 1 / 3, '1'],
    [null, '', 3, ''],
  ] as const)('%s %s × %s → %s', (quantity, unit, factor, expected) => {
    const system = recipeUnitSystem([unit]);
    expect(show(quantity, unit, factor, system)).toBe(expected);
  });

  it('keeps spoons in a metric recipe up to 4 tbsp, then millilitres', () => {
    expect(show(1, 'tbsp', 4, 'metric')).toBe('4 tbsp');
    expect(show(2, 'tbsp', 3, 'metric')).toBe('90 ml');
    expect(show(2, 'tbsp', 3, 'imperial')).toBe('6 tbsp');
    expect(show(2, 'tbsp', 4, 'imperial')).toBe('½ cup');
    expect(show(1, 'tbsp', 5, 'imperial')).toBe('5 tbsp'); // 5/16 cup: no such cup
    expect(show(1, 'tbsp', 10, 'imperial')).toBe('10 tbsp');
    expect(show(1, 'tbsp', 20, 'imperial')).toBe('1¼ cups');
  });

  it('leaves a unit of the other system as the author wrote it', () => {
    expect(show(1, 'cup', 2, 'metric')).toBe('2 cups');
    expect(show(200, 'g', 2, 'imperial')).toBe('400 g');
  });
});

describe('converted to the reader’s system', () => {
  it.each([
    [1, 'cup', 1, 'metric', '240 ml'],
    [0.5, 'cup', 1, 'metric', '120 ml'],
    [1, 'lb', 1, 'metric', '454 g'],
    [3, 'lb', 1, 'metric', '1.36 kg'],
    [200, 'g', 1, 'imperial', '7.1 oz'],
    [1067, 'g', 1, 'imperial', '2⅓ lbs'],
    [120, 'ml', 1, 'imperial', '½ cup'],
    [15, 'ml', 1, 'imperial', '1 tbsp'],
    [1, 'l', 1, 'imperial', '4.2 cups'],
    [1, 'tsp', 1, 'imperial', '1 tsp'],
    [2, 'cloves', 2, 'imperial', '4 cloves'],
  ] as const)('%s %s × %s in %s → %s', (quantity, unit, factor, system, expected) => {
    expect(show(quantity, unit, factor, system, true)).toBe(expected);
  });
});

describe('units and systems', () => {
  it('knows measures by any spelling, and what is not one', () => {
    expect(measureUnit('Tablespoons')).toBe('tbsp');
    expect(measureUnit('g.')).toBe('g');
    expect(measureUnit('clove')).toBeUndefined();
  });

  it('reads a recipe’s system from most of its units', () => {
    expect(recipeUnitSystem(['cup', 'oz', 'g', 'tsp'])).toBe('imperial');
    expect(recipeUnitSystem(['g', 'ml', 'cup'])).toBe('metric');
    expect(recipeUnitSystem(['tsp', 'clove'])).toBe('metric');
  });

  it('checks a system’s name', () => {
    expect(isUnitSystem('imperial')).toBe(true);
    expect(isUnitSystem('us')).toBe(false);
  });
});

describe('in the reader’s language', () => {
  it('writes a German decimal comma, and nothing else differs', () => {
    const de = (quantity: number, unit: string, factor: number, system: UnitSystem = 'metric', convert = false) =>
      Object.values(displayAmount({ quantity, unit }, factor, system, convert, 'de')).join(' ');
    expect(de(800, 'g', 4 / 3)).toBe('1,07 kg');
    expect(de(5, 'g', 1 / 3)).toBe('1,7 g');
    expect(de(1067, 'g', 1)).toBe('1067 g');
    expect(de(2, 'cups', 5 / 4)).toBe('2½ cups');
    expect(de(1, 'lb', 1, 'metric', true)).toBe('454 g');
    // English, the default (the MCP server's), keeps its point
    expect(show(800, 'g', 4 / 3)).toBe('1.07 kg');
    expect(Object.values(displayAmount({ quantity: 800, unit: 'g' }, 4 / 3, 'metric', false, 'en')).join(' ')).toBe('1.07 kg');
  });
});
