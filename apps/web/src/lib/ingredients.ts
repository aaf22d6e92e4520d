/**
 * Ingredients as people write them, one per line: "200 g plain flour, sifted", "2 eggs",
 * "salt, to taste". A line ending with ":" starts a section ("Dough:").
 */
export interface IngredientLine {
  quantity?: number;
  unit: string;
  item: string;
  note: string;
}

export interface IngredientSectionInput {
  name: string;
  ingredients: IngredientLine[];
}

const units = [
  'g', 'kg', 'mg', 'ml', 'l', 'cl', 'dl', 'tsp', 'tbsp', 'cup', 'cups', 'oz', 'lb', 'lbs', 'pinch', 'pinches',
  'clove', 'cloves', 'can', 'cans', 'tin', 'tins', 'bunch', 'bunches', 'slice', 'slices', 'handful', 'handfuls',
  'sprig', 'sprigs', 'stick', 'sticks', 'sheet', 'sheets', 'piece', 'pieces', 'jar', 'jars', 'packet', 'packets', 'dash',
];
const vulgar: Record<string, number> = { '½': 0.5, '¼': 0.25, '¾': 0.75, '⅓': 1 / 3, '⅔': 2 / 3, '⅛': 0.125 };

function parseQuantity(text: string): number | undefined {
  const t = text.trim();
  const mixed = /^(\d+)\s+(\d+)\/(\d+)$/.exec(t) ?? /^(\d+)([½¼¾⅓⅔⅛])$/.exec(t);
  if (mixed) return Number(mixed[1]) + (mixed[3] ? Number(mixed[2]) / Number(mixed[3]) : vulgar[mixed[2]!]!);
  const fraction = /^(\d+)\/(\d+)$/.exec(t);
  if (fraction) return Number(fraction[1]) / Number(fraction[2]);
  if (t in vulgar) return vulgar[t];
  const n = Number(t.replace(',', '.'));
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

export function parseIngredientLine(line: string): IngredientLine {
  const [main = '', ...rest] = line.split(',');
  const note = rest.join(',').trim();
  const match = /^\s*((?:\d+\s+\d+\/\d+)|(?:\d+[½¼¾⅓⅔⅛])|(?:\d+\/\d+)|(?:\d+(?:[.,]\d+)?)|[½¼¾⅓⅔⅛])?\s*(.*)$/.exec(main)!;
  const quantity = match[1] ? parseQuantity(match[1]) : undefined;
  let remainder = match[2]!.trim();
  let unit = '';
  const firstWord = remainder.split(/\s+/)[0]?.toLowerCase().replace(/\.$/, '') ?? '';
  if (quantity !== undefined && units.includes(firstWord) && remainder.includes(' ')) {
    unit = firstWord;
    remainder = remainder.slice(remainder.indexOf(' ') + 1).trim();
  }
  return { ...(quantity !== undefined ? { quantity } : {}), unit, item: remainder, note };
}

export function parseIngredients(text: string): IngredientSectionInput[] {
  const sections: IngredientSectionInput[] = [];
  let current: IngredientSectionInput = { name: '', ingredients: [] };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.endsWith(':')) {
      if (current.ingredients.length || current.name) sections.push(current);
      current = { name: line.slice(0, -1).trim(), ingredients: [] };
      continue;
    }
    current.ingredients.push(parseIngredientLine(line.replace(/^[-•*]\s*/, '')));
  }
  if (current.ingredients.length || current.name) sections.push(current);
  return sections;
}

/** The reverse, to edit a recipe as text. */
export function formatIngredients(sections: Array<{ name: string; ingredients: IngredientLine[] }>): string {
  return sections
    .map((s) => {
      const lines = s.ingredients.map((i) =>
        [i.quantity !== undefined ? `${i.quantity}` : '', i.unit, i.item].filter(Boolean).join(' ') + (i.note ? `, ${i.note}` : ''),
      );
      return [s.name ? `${s.name}:` : '', ...lines].filter(Boolean).join('\n');
    })
    .join('\n\n');
}
