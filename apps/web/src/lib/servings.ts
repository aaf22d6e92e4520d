import { formatQuantity } from './format';

/** What an ingredient needs for display (the API's Ingredient message). */
interface IngredientLike {
  quantity?: number;
  unit: string;
  item: string;
  note: string;
}

export const minServings = 1;
export const maxServings = 100;

/** Servings from the URL (?servings=6), or the recipe's own when missing or out of range. */
export function parseServings(raw: unknown, base: number): number {
  const n = Number(raw);
  return Number.isInteger(n) && n >= minServings && n <= maxServings ? n : base;
}

/** The quantity for `factor` times the recipe (rounded for reading: "1½", "2.4", "250"). */
export function scaledQuantity(quantity: number | undefined, factor: number): string | null {
  return quantity === undefined ? null : formatQuantity(quantity * factor);
}

// Units that are counted ("2 cups"), as opposed to abbreviations ("2 g"), singular → plural.
const countable: Record<string, string> = {
  cup: 'cups', clove: 'cloves', can: 'cans', tin: 'tins', bunch: 'bunches', slice: 'slices', handful: 'handfuls',
  sprig: 'sprigs', stick: 'sticks', sheet: 'sheets', piece: 'pieces', jar: 'jars', packet: 'packets', pinch: 'pinches',
  dash: 'dashes', lb: 'lbs',
};
const singular = Object.fromEntries(Object.entries(countable).map(([one, many]) => [many, one]));

/** The unit in the number the scaled quantity needs: 1 cup, 2 cups; ½ cup. */
export function unitFor(unit: string, quantity: number | undefined, factor: number): string {
  if (quantity === undefined) return unit;
  const plural = quantity * factor > 1;
  const key = unit.toLowerCase();
  if (plural && countable[key]) return countable[key];
  if (!plural && singular[key]) return singular[key];
  return unit;
}

/** "200 g plain flour, sifted" — the ingredient as one line, scaled by `factor`. */
export function ingredientText(ingredient: IngredientLike, factor: number): string {
  const unit = unitFor(ingredient.unit, ingredient.quantity, factor);
  const amount = [scaledQuantity(ingredient.quantity, factor), unit].filter(Boolean).join(' ');
  return `${amount ? `${amount} ` : ''}${ingredient.item}${ingredient.note ? `, ${ingredient.note}` : ''}`;
}
