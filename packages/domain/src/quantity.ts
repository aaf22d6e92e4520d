/**
 * Quantities as cooks read and write them (amounts, units, ingredient lines, durations), and
 * recipes scaled to more or fewer servings. No imports: the web app uses this module too
 * (`@yeet/domain/quantity`).
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

// Units written as abbreviations: the same for one or many ("1 g", "200 g").
const abbreviations = new Set(['g', 'kg', 'mg', 'ml', 'l', 'cl', 'dl', 'tsp', 'tbsp', 'oz']);
// Units that are counted ("2 cups"), singular → plural.
const countable = new Map(
  Object.entries({
    cup: 'cups',
    clove: 'cloves',
    can: 'cans',
    tin: 'tins',
    bunch: 'bunches',
    slice: 'slices',
    handful: 'handfuls',
    sprig: 'sprigs',
    stick: 'sticks',
    sheet: 'sheets',
    piece: 'pieces',
    jar: 'jars',
    packet: 'packets',
    pinch: 'pinches',
    dash: 'dashes',
    lb: 'lbs',
  }),
);
const singular = new Map([...countable].map(([one, many]) => [many, one]));

/** Whether a word names a unit ("g", "Cups", "pinch") rather than the ingredient itself. */
export function isUnit(word: string): boolean {
  const key = word.toLowerCase();
  return abbreviations.has(key) || countable.has(key) || singular.has(key);
}

/** The unit in the number the scaled quantity needs: 1 cup, 2 cups; ½ cup. */
export function unitFor(unit: string, quantity: number | null | undefined, factor: number): string {
  if (quantity === undefined || quantity === null) return unit;
  const plural = quantity * factor > 1;
  const key = unit.toLowerCase();
  return (plural ? countable.get(key) : singular.get(key)) ?? unit;
}

/** "200 g plain flour, sifted": the ingredient as one line, scaled by `factor`. */
export function ingredientText(ingredient: IngredientAmount, factor: number): string {
  const unit = unitFor(ingredient.unit, ingredient.quantity, factor);
  const amount = [scaledQuantity(ingredient.quantity, factor), unit].filter(Boolean).join(' ');
  return `${amount ? `${amount} ` : ''}${ingredient.item}${ingredient.note ? `, ${ingredient.note}` : ''}`;
}

/** An ingredient as written on one line; no `quantity` for "salt, to taste". */
export interface IngredientLine {
  quantity?: number;
  unit: string;
  item: string;
  note: string;
}

export interface IngredientLineSection {
  name: string;
  ingredients: IngredientLine[];
}

const glyphValues = new Map(fractions.map(([value, glyph]) => [glyph, value]));
const glyphClass = `[${[...glyphValues.keys()].join('')}]`;
// "1 1/2", "1½", "3/4", "2.5" or "2,5", "½" — then the rest of the line
const leadingQuantity = new RegExp(
  `^\\s*((?:\\d+\\s+\\d+/\\d+)|(?:\\d+${glyphClass})|(?:\\d+/\\d+)|(?:\\d+(?:[.,]\\d+)?)|${glyphClass})?\\s*(.*)$`,
);
const glyphQuantity = new RegExp(`^(\\d*)(${glyphClass})$`);

/** "1 1/2", "1½", "3/4", "2,5", "½" → a number; undefined when it is not a positive amount. */
export function parseQuantity(text: string): number | undefined {
  const t = text.trim();
  const mixed = /^(\d+)\s+(\d+)\/(\d+)$/.exec(t);
  if (mixed) return Number(mixed[1]) + Number(mixed[2]) / Number(mixed[3]);
  const [, whole = '', glyph = ''] = glyphQuantity.exec(t) ?? [];
  const part = glyphValues.get(glyph);
  if (part !== undefined) return Number(whole) + part;
  const fraction = /^(\d+)\/(\d+)$/.exec(t);
  if (fraction) return Number(fraction[1]) / Number(fraction[2]);
  const n = Number(t.replace(',', '.'));
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

// Amounts people write as words: "two onions", "a dozen eggs", "half a lemon".
const numberWords = new Map(
  Object.entries({
    half: 0.5,
    one: 1,
    two: 2,
    three: 3,
    four: 4,
    five: 5,
    six: 6,
    seven: 7,
    eight: 8,
    nine: 9,
    ten: 10,
    eleven: 11,
    twelve: 12,
    dozen: 12,
  }),
);
const leadingWord = /^\s*(?:an?\s+(?=dozen\b))?([a-z]+)(?:\s+an?\b)?\s+(.*)$/i;
// A minus straight before a digit is a sign ("-5 g"), not a list bullet ("- 5 g").
const leadingSign = new RegExp(`^\\s*-(?=\\d|${glyphClass})`);

/**
 * "200 g plain flour, sifted" → 200, "g", "plain flour", "sifted"; "two onions" → 2, "onions";
 * "1,5 kg Mehl" → 1.5, "kg", "Mehl" (a German reader's decimal comma).
 * A unit is only read after an amount. A negative amount ("-5 g salt") is kept negative, so
 * the recipe's checks refuse it instead of the line silently turning into 5 g.
 */
export function parseIngredientLine(line: string): IngredientLine {
  // a comma between two digits is a decimal comma ("1,5 kg flour"), any other starts the note
  const [main = '', ...notes] = line.split(/(?<!\d),|,(?!\d)/);
  const note = notes.join(',').trim();
  const sign = leadingSign.test(main) ? -1 : 1;
  const unsigned = sign < 0 ? main.replace(leadingSign, '') : main;
  const [, word = '', afterWord = ''] = leadingWord.exec(unsigned) ?? [];
  const wordValue = numberWords.get(word.toLowerCase());
  const [, amount, words = ''] =
    wordValue !== undefined ? [unsigned, String(wordValue), afterWord] : (leadingQuantity.exec(unsigned) ?? []);
  const parsed = amount ? parseQuantity(amount) : undefined;
  const quantity = parsed === undefined ? undefined : sign * parsed;
  let remainder = words.trim();
  let unit = '';
  const firstWord = remainder.split(/\s+/)[0]?.toLowerCase().replace(/\.$/, '') ?? '';
  if (quantity !== undefined && isUnit(firstWord) && remainder.includes(' ')) {
    unit = firstWord;
    remainder = remainder.slice(remainder.indexOf(' ') + 1).trim();
  }
  return { ...(quantity !== undefined ? { quantity } : {}), unit, item: remainder, note };
}

/**
 * Ingredients as people write them, one per line ("- 2 eggs" and "• 2 eggs" too, but "-2 eggs"
 * is an amount below zero, refused when saved); a line
 * ending with ":" starts a section ("Dough:").
 */
export function parseIngredients(text: string): IngredientLineSection[] {
  const sections: IngredientLineSection[] = [];
  let current: IngredientLineSection = { name: '', ingredients: [] };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.endsWith(':')) {
      if (current.ingredients.length || current.name) sections.push(current);
      current = { name: line.slice(0, -1).trim(), ingredients: [] };
      continue;
    }
    current.ingredients.push(parseIngredientLine(leadingSign.test(line) ? line : line.replace(/^[-•*]\s*/, '')));
  }
  if (current.ingredients.length || current.name) sections.push(current);
  return sections;
}

/** The reverse, to edit a recipe as text. */
export function formatIngredients(sections: ReadonlyArray<{ name: string; ingredients: readonly IngredientLine[] }>): string {
  return sections
    .map((s) => {
      const lines = s.ingredients.map(
        (i) =>
          [i.quantity !== undefined ? `${i.quantity}` : '', i.unit, i.item].filter(Boolean).join(' ') +
          (i.note ? `, ${i.note}` : ''),
      );
      return [s.name ? `${s.name}:` : '', ...lines].filter(Boolean).join('\n');
    })
    .join('\n\n');
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
