import { describe, expect, it } from 'vitest';
import {
  formatIngredients,
  formatQuantity,
  ingredientText,
  isUnit,
  parseIngredientLine,
  parseIngredients,
  parseQuantity,
  parseServings,
  unitFor,
} from '../src/quantity.ts';
import { parseRecipeContent } from '../src/recipe-content.ts';

const draft = {
  title: 'Salted nothing',
  summary: '',
  ingredientSections: [],
  steps: [],
  servings: 2,
  prepMinutes: 0,
  cookMinutes: 0,
  totalMinutes: 0,
  difficulty: null,
  cuisines: [],
  mealTypes: [],
  tags: [],
  dietaryFlags: [],
};

describe('quantities', () => {
  it.each([
    [1.5, '1½'],
    [0.333, '⅓'],
    [12.5, '12½'],
    [2.37, '2.4'],
    [250, '250'],
    [0.999, '1'],
    [133.3, '133'],
    [1 / 64, '0.02'], // an eighth of ⅛ tsp: small, but not nothing
    [0.004, '0.004'],
  ])('%d reads as %s', (q, text) => expect(formatQuantity(q)).toBe(text));
});

describe('scaling servings', () => {
  it.each([
    [{ quantity: 200, unit: 'g', item: 'flour', note: 'sifted' }, 2, '400 g flour, sifted'],
    [{ quantity: 1, unit: 'cup', item: 'rice', note: '' }, 1.5, '1½ cups rice'],
    [{ quantity: 2, unit: 'cloves', item: 'garlic', note: '' }, 0.25, '½ clove garlic'],
    [{ quantity: 3, unit: '', item: 'eggs', note: '' }, 2, '6 eggs'],
    [{ quantity: 0.125, unit: 'tsp', item: 'saffron', note: '' }, 1 / 8, '0.02 tsp saffron'],
    [{ unit: '', item: 'salt', note: 'to taste' }, 4, 'salt, to taste'],
    [{ quantity: 0.75, unit: 'tsp', item: 'cumin', note: '' }, 2, '1½ tsp cumin'],
  ])('%j × %d → %s', (ingredient, factor, text) => {
    expect(ingredientText(ingredient, factor)).toBe(text);
  });

  it('keeps abbreviations as written and counts counted units', () => {
    expect(unitFor('ml', 1, 3)).toBe('ml');
    expect(unitFor('Cup', 2, 1)).toBe('cups');
    expect(unitFor('pinches', 2, 0.5)).toBe('pinch');
  });

  it('reads servings from the URL only when sensible', () => {
    expect(parseServings('6', 4)).toBe(6);
    for (const bad of ['0', '-2', '2.5', '101', 'lots', undefined]) expect(parseServings(bad, 4)).toBe(4);
  });
});

describe('ingredients as text', () => {
  it('parses sections, quantities, units and notes, and writes them back the same way', () => {
    const text = 'Dough:\n500 g strong flour\n1½ tsp salt\n2 eggs, beaten\n\nTopping:\n1 can tomatoes\nbasil, torn';
    const sections = parseIngredients(text);
    expect(sections).toEqual([
      {
        name: 'Dough',
        ingredients: [
          { quantity: 500, unit: 'g', item: 'strong flour', note: '' },
          { quantity: 1.5, unit: 'tsp', item: 'salt', note: '' },
          { quantity: 2, unit: '', item: 'eggs', note: 'beaten' },
        ],
      },
      {
        name: 'Topping',
        ingredients: [
          { quantity: 1, unit: 'can', item: 'tomatoes', note: '' },
          { unit: '', item: 'basil', note: 'torn' },
        ],
      },
    ]);
    expect(parseIngredients(formatIngredients(sections))).toEqual(sections);
  });

  it('keeps a minus before an amount, so the recipe checks refuse "-5 g salt" instead of saving 5 g', () => {
    expect(parseIngredients('-5 g salt\n- 2 eggs\n-½ tsp pepper')).toEqual([
      {
        name: '',
        ingredients: [
          { quantity: -5, unit: 'g', item: 'salt', note: '' },
          { quantity: 2, unit: '', item: 'eggs', note: '' },
          { quantity: -0.5, unit: 'tsp', item: 'pepper', note: '' },
        ],
      },
    ]);
    const ingredients = [{ quantity: -5, unit: 'g', item: 'salt', note: '' }];
    expect(() => parseRecipeContent({ ...draft, ingredientSections: [{ name: '', ingredients }] })).toThrow(
      /quantity must be more than 0/,
    );
  });

  it.each([
    ['two onions', { quantity: 2, unit: '', item: 'onions', note: '' }],
    ['Three cups flour, sifted', { quantity: 3, unit: 'cups', item: 'flour', note: 'sifted' }],
    ['a dozen eggs', { quantity: 12, unit: '', item: 'eggs', note: '' }],
    ['half a lemon, juiced', { quantity: 0.5, unit: '', item: 'lemon', note: 'juiced' }],
    ['one apple', { quantity: 1, unit: '', item: 'apple', note: '' }],
    ['onions', { unit: '', item: 'onions', note: '' }],
    ['salt, to taste', { unit: '', item: 'salt', note: 'to taste' }],
    ['tenderstem broccoli', { unit: '', item: 'tenderstem broccoli', note: '' }],
  ])('reads the number word in "%s"', (line, ingredient) => expect(parseIngredientLine(line)).toEqual(ingredient));

  it.each([
    ['1,5 kg Mehl', { quantity: 1.5, unit: 'kg', item: 'Mehl', note: '' }],
    ['0,5 l Milch, kalt', { quantity: 0.5, unit: 'l', item: 'Milch', note: 'kalt' }],
    ['2 onions,chopped', { quantity: 2, unit: '', item: 'onions', note: 'chopped' }],
  ])('reads a decimal comma in "%s" as a German reader writes it (issue 17)', (line, ingredient) =>
    expect(parseIngredientLine(line)).toEqual(ingredient),
  );

  it.each([
    ['1 1/2', 1.5],
    ['1½', 1.5],
    ['¾', 0.75],
    ['3/4', 0.75],
    ['2,5', 2.5],
    ['0', undefined],
    ['lots', undefined],
  ])('reads the amount %s as %s', (text, quantity) => expect(parseQuantity(text)).toBe(quantity));

  it('reads every fraction it writes', () => {
    for (const q of [1 / 8, 1 / 4, 1 / 3, 1 / 2, 2 / 3, 3 / 4, 2.5]) expect(parseQuantity(formatQuantity(q))).toBeCloseTo(q, 5);
  });

  it('knows a unit whether it is written short, singular or plural — and every unit it scales', () => {
    for (const word of ['g', 'TBSP', 'cup', 'cups', 'pinch', 'dashes']) expect(isUnit(word), word).toBe(true);
    for (const word of ['eggs', 'constructor', '']) expect(isUnit(word), word).toBe(false);
    for (const [one, many] of [
      ['cup', 'cups'],
      ['lb', 'lbs'],
      ['dash', 'dashes'],
    ] as const) {
      expect(unitFor(one, 1, 2)).toBe(many);
      expect(isUnit(many)).toBe(true);
    }
  });
});
