/**
 * Quantities as cooks read them (amounts, durations), and recipes scaled to more or fewer
 * servings. No imports: the web app uses this module too (`@yeet/domain/quantity`).
 */

export const minServings = 1;
export const maxServings = 100;

const fractions: ReadonlyArray<readonly [number, string]> = [
  [1 / 8, '⅛'],
  [1 / 4, '¼'],
  [1 / 3, '⅓'],
  [1 / 2, '½'],
  [2 / 3, '⅔'],
  [3 / 4, '¾'],
];

/** 1.5 → "1½", 0.333 → "⅓", 12.5 → "12½", 2.37 → "2.4", 250 → "250", 0.0156 → "0.02". */
export function formatQuantity(q: number): string {
  // below the smallest glyph, one significant figure: an eighth of ⅛ tsp is not "0 tsp"
  if (q > 0 && q < 0.1) return String(Number(q.toPrecision(1)));
  const whole = Math.floor(q);
  const rest = q - whole;
  if (rest < 0.02) return String(whole);
  if (q < 20) {
    for (const [value, glyph] of fractions) {
      if (Math.abs(rest - value) < 0.02) return `${whole || ''}${glyph}`;
    }
    if (1 - rest < 0.02) return String(whole + 1);
  }
  return q >= 100 ? String(Math.round(q)) : String(Math.round(q * 10) / 10);
}

/** What an ingredient needs for display. */
export interface IngredientAmount {
  quantity?: number | null;
  unit: string;
  item: string;
  note: string;
}

/** Servings asked for (e.g. ?servings=6), or the recipe's own when missing or out of range. */
export function parseServings(raw: unknown, base: number): number {
  const n = Number(raw);
  return Number.isInteger(n) && n >= minServings && n <= maxServings ? n : base;
}

/** The quantity for `factor` times the recipe, rounded for reading: "1½", "2.4", "250". */
export function scaledQuantity(quantity: number | null | undefined, factor: number): string | null {
  return quantity === undefined || quantity === null ? null : formatQuantity(quantity * factor);
}

// Units that are counted ("2 cups"), as opposed to abbreviations ("2 g"), singular → plural.
const countable: Record<string, string> = {
  cup: 'cups', clove: 'cloves', can: 'cans', tin: 'tins', bunch: 'bunches', slice: 'slices', handful: 'handfuls',
  sprig: 'sprigs', stick: 'sticks', sheet: 'sheets', piece: 'pieces', jar: 'jars', packet: 'packets', pinch: 'pinches',
  dash: 'dashes', lb: 'lbs',
};
const singular = Object.fromEntries(Object.entries(countable).map(([one, many]) => [many, one]));

/** The unit in the number the scaled quantity needs: 1 cup, 2 cups; ½ cup. */
export function unitFor(unit: string, quantity: number | null | undefined, factor: number): string {
  if (quantity === undefined || quantity === null) return unit;
  const plural = quantity * factor > 1;
  const key = unit.toLowerCase();
  if (plural && countable[key]) return countable[key];
  if (!plural && singular[key]) return singular[key];
  return unit;
}

/** "200 g plain flour, sifted": the ingredient as one line, scaled by `factor`. */
export function ingredientText(ingredient: IngredientAmount, factor: number): string {
  const unit = unitFor(ingredient.unit, ingredient.quantity, factor);
  const amount = [scaledQuantity(ingredient.quantity, factor), unit].filter(Boolean).join(' ');
  return `${amount ? `${amount} ` : ''}${ingredient.item}${ingredient.note ? `, ${ingredient.note}` : ''}`;
}

/** 95 → "1 h 35 min", 2880 → "2 d", 0 → "—". */
export function formatMinutes(total: number): string {
  if (total <= 0) return '—';
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const minutes = total % 60;
  const parts: string[] = [];
  if (days) parts.push(`${days} d`);
  if (hours) parts.push(`${hours} h`);
  if (minutes && !days) parts.push(`${minutes} min`);
  return parts.join(' ');
}
