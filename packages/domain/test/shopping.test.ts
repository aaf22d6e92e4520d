import { describe, expect, it } from 'vitest';
import { DomainError } from '../src/errors.ts';
import { parseIngredientLine } from '../src/quantity.ts';
import {
  addAmounts,
  aisleFor,
  amountText,
  assertServings,
  compatible,
  itemKey,
  mergeLine,
  mergeTarget,
  scaleAmount,
  type MergeableLine,
  type ShoppingAddition,
} from '../src/shopping.ts';

/** "200 g onions" → an addition, through the recipe parser the rest of the product uses. */
const line = (text: string): ShoppingAddition => {
  const p = parseIngredientLine(text);
  return { quantity: p.quantity ?? null, unit: p.unit, item: p.item };
};

/** Adds every line in order, as adding recipes does, and reads what the list shows. */
function listAfter(...texts: string[]): string[] {
  const lines: (MergeableLine & { id: number })[] = [];
  for (const text of texts) {
    const checked = text.startsWith('[x] ');
    const addition = line(checked ? text.slice(4) : text);
    const target = mergeTarget(lines, addition);
    if (target) Object.assign(target, mergeLine(target, addition));
    else lines.push({ id: lines.length, ...addition, checked });
  }
  return lines.map((l) => [amountText(l), l.item].filter(Boolean).join(' '));
}

describe('merging the same ingredient', () => {
  it.each([
    // units of one dimension add up, reading in a unit a cook measures with
    [['200 g onions', '0.5 kg onions'], ['700 g onions']],
    [['500 g flour', '0.5 kg flour'], ['1 kg flour']],
    [['600 g flour', '600 g flour'], ['1.2 kg flour']],
    [['1 tbsp olive oil', '2 tsp olive oil'], ['5 tsp olive oil']],
    [['1 tsp cumin', '2 tsp cumin'], ['3 tsp cumin']], // one unit written: it stays
    [['2 tsp cumin', '1 tsp cumin', '1 tbsp cumin'], ['2 tbsp cumin']],
    [['1 tbsp sugar', '1 tbsp sugar'], ['2 tbsp sugar']],
    [['200 ml milk', '1 cup milk'], ['440 ml milk']],
    [['1 cup rice', '1 cup rice'], ['2 cups rice']],
    [['½ cup rice', '¼ cup rice'], ['¾ cup rice']],
    [['1 lb beef mince', '8 oz beef mince'], ['1½ lbs beef mince']],
    [['700 ml stock', '0.3 l stock'], ['1 l stock']],
    // fractions as people write them
    [['1 1/2 cups flour', '1/2 cup flour'], ['2 cups flour']],
    [['1½ tsp salt', '½ tsp salt'], ['2 tsp salt']],
    // counted things, plural or not, any case
    [['1 onion', '2 onions'], ['3 onions']],
    [['2 Eggs', '1 egg'], ['3 Eggs']],
    [['1 clove garlic', '2 cloves garlic'], ['3 cloves garlic']],
    [['2 tomatoes', '1 tomato'], ['3 tomatoes']],
    [['1 cup blueberries', '1 cup blueberry'], ['2 cups blueberries']],
    [['3 bay leaves', '1 bay leaf'], ['4 bay leaves']],
    // notes are how to prepare it, not what to buy: parsed off before merging
    [['1 onion, chopped', '2 onions, sliced'], ['3 onions']],
    // incompatible units stay separate lines
    [
      ['2 onions', '200 g onions'],
      ['2 onions', '200 g onions'],
    ],
    [
      ['200 g butter', '2 tbsp butter'],
      ['200 g butter', '2 tbsp butter'],
    ],
    [
      ['1 can tomatoes', '400 g tomatoes'],
      ['1 can tomatoes', '400 g tomatoes'],
    ],
    // other words make another ingredient
    [
      ['1 red onion', '1 onion'],
      ['1 red onion', '1 onion'],
    ],
    [
      ['1 egg', '1 eggplant'],
      ['1 egg', '1 eggplant'],
    ],
    // "to taste" joins a line with an amount and adds nothing to it
    [['1 tsp salt', 'salt'], ['1 tsp salt']],
    [['salt', 'salt'], ['salt']],
    [['salt', '1 tsp salt'], ['1 tsp salt']],
    // what is ticked (in the trolley) does not grow
    [
      ['[x] 1 onion', '2 onions'],
      ['1 onion', '2 onions'],
    ],
  ])('%j → %j', (texts, expected) => {
    expect(listAfter(...texts)).toEqual(expected);
  });

  it('never adds incompatible amounts', () => {
    expect(compatible({ quantity: 1, unit: 'g' }, { quantity: 1, unit: 'ml' })).toBe(false);
    expect(() => addAmounts({ quantity: 1, unit: 'g' }, { quantity: 1, unit: 'ml' })).toThrow();
  });
});

describe('names', () => {
  it.each([
    ['Onions', 'onion'],
    ['  cherry   tomatoes ', 'cherry tomato'],
    ['berries', 'berry'],
    ['cookies', 'cookie'],
    ['peaches', 'peach'],
    ['asparagus', 'asparagus'],
    ['hummus', 'hummus'],
    ['couscous', 'couscous'],
    ['peas', 'pea'],
  ])('%s is the same ingredient as %s', (a, b) => expect(itemKey(a)).toBe(itemKey(b)));

  it('keeps different ingredients apart', () => {
    expect(itemKey('red onion')).not.toBe(itemKey('onion'));
    expect(itemKey('egg')).not.toBe(itemKey('eggplant'));
  });
});

describe('scaling to the servings chosen', () => {
  it.each([
    [{ quantity: 200, unit: 'g' }, 2, '400 g'],
    [{ quantity: 400, unit: 'g' }, 3, '1.2 kg'],
    [{ quantity: 1, unit: 'cup' }, 1.5, '1½ cups'],
    [{ quantity: 3, unit: '' }, 0.5, '1½'],
    [{ quantity: null, unit: '' }, 4, ''],
  ])('%j × %d reads %s', (amount, factor, text) => expect(amountText(scaleAmount(amount, factor))).toBe(text));

  it('writes a decimal comma for German readers (issue 17), a point otherwise', () => {
    expect(amountText({ quantity: 1.2, unit: 'kg' }, 'de')).toBe('1,2 kg');
    expect(amountText({ quantity: 1.2, unit: 'kg' }, 'en')).toBe('1.2 kg');
    expect(amountText({ quantity: 1.5, unit: 'cup' }, 'de')).toBe('1½ cups');
    expect(amountText({ quantity: 400, unit: 'g' }, 'de')).toBe('400 g');
  });

  it.each([0, 101, 2.5, Number.NaN])('refuses %d servings, naming the field', (servings) => {
    try {
      assertServings(servings);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('invalid_argument');
      expect((e as DomainError).violations[0]?.field).toBe('servings');
    }
  });
});

describe('aisles', () => {
  it.each([
    ['red onions', 'produce'],
    ['garlic cloves', 'produce'],
    ['coconut milk', 'pantry'],
    ['whole milk', 'dairy-eggs'],
    ['eggs', 'dairy-eggs'],
    ['black pepper', 'spices'],
    ['pepper', 'spices'],
    ['red peppers', 'produce'],
    ['chicken thighs', 'meat-fish'],
    ['sourdough bread', 'bakery'],
    ['spaghetti', 'pantry'],
    ['rice', 'pantry'],
    ['frozen peas', 'frozen'],
    ['ground beef', 'meat-fish'],
    ['ground cumin', 'spices'],
    ['black peppercorns', 'spices'],
    ['Pecorino Romano', 'dairy-eggs'],
    ['linguine', 'pantry'],
    ['dragon fruit', 'other'],
  ])('%s → %s', (item, aisle) => expect(aisleFor(item)).toBe(aisle));
});
