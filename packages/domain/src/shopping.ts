import { invalidField } from './errors.ts';
import { decimalMark, type Locale } from './locale.ts';
import { formatQuantity, maxServings, minServings, unitFor } from './quantity.ts';
import { type Measure, measures, unitSpellings } from './units.ts';

/**
 * The shopping list's rules (docs/decisions/0029-shopping-list-merging.md): which amounts of
 * one ingredient add up, in which unit the sum reads, which names are the same ingredient,
 * and which aisle a line goes in. Pure: the store and the clients call these.
 */

/** Aisles in the order a list shows them (a typical walk through a shop). */
export const aisles = ['produce', 'bakery', 'meat-fish', 'dairy-eggs', 'pantry', 'spices', 'frozen', 'drinks', 'other'] as const;
export type Aisle = (typeof aisles)[number];

export const aisleLabels: Record<Aisle, string> = {
  produce: 'Fruit & vegetables',
  bakery: 'Bread & bakery',
  'meat-fish': 'Meat & fish',
  'dairy-eggs': 'Dairy & eggs',
  pantry: 'Pantry',
  spices: 'Herbs & spices',
  frozen: 'Frozen',
  drinks: 'Drinks',
  other: 'Other',
};

export const isAisle = (value: string): value is Aisle => (aisles as readonly string[]).includes(value);

export const shoppingLimits = {
  lines: 500,
  item: 120,
  unit: 20,
  note: 200,
  quantity: 1_000_000,
} as const;

/** "Tbsp", "tablespoons", "cloves" → "tbsp", "tbsp", "clove": one spelling per unit, singular. */
export function canonicalUnit(unit: string): string {
  const u = unit.trim().toLowerCase().replace(/\.$/, '');
  if (!u) return '';
  return unitSpellings[u] ?? (measures[u] ? u : singularWord(u));
}

const irregular: Record<string, string> = {
  leaves: 'leaf',
  loaves: 'loaf',
  halves: 'half',
  knives: 'knife',
  potatoes: 'potato',
  tomatoes: 'tomato',
};

/** A key, not a word to show: "berries" and "berry" both give "berry", "cookies" and "cookie" both "cooky". */
function singularWord(word: string): string {
  const w = irregular[word] ?? word;
  let s = w;
  if (/(ss|us|is)$/.test(w) || w.length <= 3) s = w;
  else if (/ies$/.test(w)) s = `${w.slice(0, -3)}y`;
  else if (/(ches|shes|xes|oes|sses)$/.test(w)) s = w.slice(0, -2);
  else if (w.endsWith('s')) s = w.slice(0, -1);
  return s.endsWith('ie') ? `${s.slice(0, -2)}y` : s;
}

/**
 * Which names are the same ingredient: case, spacing, punctuation and a plural last word do not
 * count ("Onions" = "onion", "Cherry tomatoes" = "cherry tomato"); other words do ("red onion" ≠ "onion").
 */
export function itemKey(item: string): string {
  const words = item
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
  const last = words.pop();
  return last === undefined ? '' : [...words, singularWord(last)].join(' ');
}

/** An amount on the list: no quantity for "salt, to taste". */
export interface ShoppingAmount {
  quantity: number | null;
  unit: string;
}

/** Whether two amounts of one ingredient add up to one line. */
export function compatible(a: ShoppingAmount, b: ShoppingAmount): boolean {
  if (a.quantity === null || b.quantity === null) return true;
  const ua = canonicalUnit(a.unit);
  const ub = canonicalUnit(b.unit);
  if (ua === ub) return true;
  const ma = measures[ua];
  const mb = measures[ub];
  return ma !== undefined && mb !== undefined && ma.dimension === mb.dimension;
}

/** Halves and quarters are measures people have (a ½ cup, ¼ tsp); ⅔ tbsp is not. */
const reads = (q: number) => Math.abs(q * 4 - Math.round(q * 4)) < 1e-6 && q >= 1 - 1e-9;

/**
 * The sum of two compatible amounts. It reads in the largest of the two units in which it is a
 * whole number, or ends in ¼, ½ or ¾; else in the smaller unit (1 tbsp + 2 tsp → 5 tsp,
 * 1 tsp + 2 tsp → 1 tbsp, 200 g + 0.5 kg → 700 g). Grams and millilitres from 1000 up read
 * as kg and l. Throws on incompatible amounts: check with `compatible` first.
 */
export function addAmounts(a: ShoppingAmount, b: ShoppingAmount): ShoppingAmount {
  if (!compatible(a, b)) throw new Error(`cannot add ${a.unit} to ${b.unit}`);
  if (a.quantity === null) return b.quantity === null ? { quantity: null, unit: a.unit || b.unit } : b;
  if (b.quantity === null) return a;
  const ua = canonicalUnit(a.unit);
  const ub = canonicalUnit(b.unit);
  if (ua === ub) return readable({ quantity: a.quantity + b.quantity, unit: a.unit || b.unit });
  const ma = measures[ua] as Measure;
  const mb = measures[ub] as Measure;
  const total = a.quantity * ma.base + b.quantity * mb.base;
  const [small, large] = ma.base <= mb.base ? [ua, ub] : [ub, ua];
  const inLarge = total / (measures[large] as Measure).base;
  if (reads(inLarge)) return readable({ quantity: tidy(inLarge), unit: large });
  return readable({ quantity: tidy(total / (measures[small] as Measure).base), unit: small });
}

/** Grams and millilitres from 1000 up read as kilograms and litres. */
function readable(amount: ShoppingAmount): ShoppingAmount {
  const u = canonicalUnit(amount.unit);
  if (amount.quantity !== null && amount.quantity >= 1000 && (u === 'g' || u === 'ml')) {
    return { quantity: tidy(amount.quantity / 1000), unit: u === 'g' ? 'kg' : 'l' };
  }
  return amount;
}

/** Floating-point dust off: 0.1 + 0.2 → 0.3. */
const tidy = (q: number) => Math.round(q * 1e6) / 1e6;

/** An amount scaled from the recipe's servings to the servings wanted. */
export function scaleAmount(amount: ShoppingAmount, factor: number): ShoppingAmount {
  return amount.quantity === null ? amount : readable({ quantity: tidy(amount.quantity * factor), unit: amount.unit });
}

/** Servings asked for, checked: `field` names the request field in the error. */
export function assertServings(servings: number, field = 'servings'): number {
  if (!Number.isInteger(servings) || servings < minServings || servings > maxServings) {
    throw invalidField(field, `must be a whole number between ${minServings} and ${maxServings}`);
  }
  return servings;
}

/**
 * "700 g", "1½ cups", "3" — the amount as a line shows it; "" without a quantity. In German
 * the decimal mark is a comma ("1,5 kg"), as on the recipe page (`displayAmount`).
 */
export function amountText(amount: ShoppingAmount, locale: Locale = 'en'): string {
  if (amount.quantity === null) return '';
  const q = decimalMark(formatQuantity(amount.quantity), locale);
  return amount.unit ? `${q} ${unitFor(amount.unit, amount.quantity, 1)}` : q;
}

const aisleWords: Record<Exclude<Aisle, 'other'>, string> = {
  produce:
    'onion|shallot|garlic|potato|tomato|carrot|celery|leek|pepper|chilli|chili|lettuce|spinach|cabbage|kale|broccoli|cauliflower|courgette|zucchini|aubergine|eggplant|cucumber|mushroom|lemon|lime|orange|apple|pear|banana|berry|avocado|ginger|herb|parsley|coriander|cilantro|basil|mint|dill|chive|squash|pumpkin|pea|bean sprout|corn|fennel|beetroot|radish|asparagus|grape|mango|rocket|salad|spring onion|scallion',
  bakery: 'bread|loaf|baguette|roll|bun|pitta|pita|tortilla|wrap|naan|croissant|brioche',
  'meat-fish':
    'chicken|beef|pork|lamb|mince|bacon|ham|sausage|turkey|duck|steak|salmon|tuna|cod|fish|prawn|shrimp|mussel|anchovy|chorizo|pancetta|haddock|mackerel',
  'dairy-eggs':
    'milk|butter|cream|cheese|yogurt|yoghurt|egg|parmesan|mozzarella|feta|cheddar|ricotta|mascarpone|crème fraîche|creme fraiche|buttermilk|pecorino|parmigiano|gruyère|gruyere|halloumi|paneer|kefir',
  pantry:
    'flour|sugar|rice|pasta|spaghetti|linguine|penne|fusilli|rigatoni|lasagne|lasagna|tagliatelle|macaroni|noodle|oil|vinegar|stock|broth|lentil|chickpea|bean|oat|honey|syrup|sauce|tin|can|passata|paste|couscous|quinoa|nut|almond|walnut|chocolate|cocoa|yeast|baking powder|baking soda|bicarbonate|mustard|mayonnaise|ketchup|jam|cornflour|cornstarch|breadcrumb|coconut milk|soy sauce|tahini|polenta|seed',
  spices:
    'salt|peppercorn|cumin|paprika|cinnamon|turmeric|nutmeg|oregano|thyme|rosemary|bay leaf|chilli flake|chili flake|cayenne|clove|cardamom|coriander seed|garam masala|curry powder|saffron|vanilla|spice|allspice|star anise|fenugreek|mustard seed',
  frozen: 'frozen|ice cream|ice',
  drinks: 'wine|beer|juice|water|coffee|tea|cider|rum|brandy|vodka|sherry',
};

// Longer phrases first, so "coconut milk" is pantry before "milk" is dairy, "black pepper" spice before "pepper" produce.
const aislePhrases = (Object.entries(aisleWords) as [Aisle, string][])
  .flatMap(([aisle, words]) => words.split('|').map((w) => [w, aisle] as const))
  .sort((a, b) => b[0].length - a[0].length);
const spiceFirst = new Set(['black pepper', 'white pepper']);

/**
 * The built-in aisle for an ingredient, from the words of its name (a small table, not a
 * catalogue: anything it does not know goes under "other", and each line's aisle can be changed).
 */
export function aisleFor(item: string): Aisle {
  const key = ` ${itemKey(item)} `;
  if (key === ' pepper ') return 'spices'; // "salt and pepper"; "red peppers" are vegetables
  for (const phrase of spiceFirst) if (key.includes(` ${phrase} `)) return 'spices';
  for (const [phrase, aisle] of aislePhrases) {
    if (key.includes(` ${phrase} `) || key.includes(` ${phrase}s `)) return aisle;
  }
  return 'other';
}

/** Text a person typed for a line, checked: trimmed, within limits, not empty. */
export function assertLineText(value: string, field: string, max: number, required: boolean): string {
  const text = value.trim().replace(/\s+/g, ' ');
  if (required && !text) throw invalidField(field, 'cannot be empty; say what to buy');
  if (text.length > max) throw invalidField(field, `must be at most ${max} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(text)) throw invalidField(field, 'contains control characters; remove them');
  return text;
}

export function assertQuantity(quantity: number | null, field = 'quantity'): number | null {
  if (quantity === null) return null;
  if (!Number.isFinite(quantity) || quantity <= 0 || quantity > shoppingLimits.quantity) {
    throw invalidField(field, `must be more than 0 and at most ${shoppingLimits.quantity}; leave it empty for no amount`);
  }
  return quantity;
}

/** Servings bounds, for forms. */
export const shoppingServings = { min: minServings, max: maxServings } as const;

/** What a line is, for merging. */
export interface MergeableLine extends ShoppingAmount {
  item: string;
  checked: boolean;
}

/** An ingredient going onto the list. */
export interface ShoppingAddition extends ShoppingAmount {
  item: string;
}

/**
 * The line an addition merges into: the same ingredient (by `itemKey`), not yet ticked (what is
 * in the trolley already does not grow), in a compatible unit. A "to taste" addition prefers a
 * line with an amount. None: the addition is a line of its own.
 */
export function mergeTarget<L extends MergeableLine>(lines: readonly L[], addition: ShoppingAddition): L | undefined {
  const key = itemKey(addition.item);
  const candidates = lines.filter((l) => !l.checked && itemKey(l.item) === key && compatible(l, addition));
  return candidates.find((l) => l.quantity !== null) ?? candidates[0];
}

/** The line after an addition merged into it: the amounts added, and the name in the number it needs. */
export function mergeLine(line: MergeableLine, addition: ShoppingAddition): ShoppingAddition {
  const amount = addAmounts(line, addition);
  // "1 onion" + "2 onions" reads "3 onions": a counted line takes the plural name it was given.
  const counted = amount.quantity !== null && canonicalUnit(amount.unit) === '' && amount.quantity > 1;
  const plural = (name: string) => name.trim().toLowerCase() !== itemKey(name) && /s$/i.test(name.trim());
  const item = counted && !plural(line.item) && plural(addition.item) ? addition.item : line.item;
  return { item, ...amount };
}

/** A recipe a line came from. */
export interface ShoppingSource {
  recipeId: string;
  title: string;
  slug: string;
  /** The servings it was last added at. */
  servings: number;
}

/** A line of a person's shopping list. */
export interface ShoppingLine extends ShoppingAddition {
  id: string;
  note: string;
  aisle: Aisle;
  checked: boolean;
  /** Bumped by every write: the last write to a line wins. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
  sources: ShoppingSource[];
}

/** Lines in the order a list shows them: by aisle (the walk through the shop), then oldest first. */
export function byAisle(lines: readonly ShoppingLine[]): Array<{ aisle: Aisle; label: string; lines: ShoppingLine[] }> {
  return aisles
    .map((aisle) => ({ aisle, label: aisleLabels[aisle], lines: lines.filter((l) => l.aisle === aisle) }))
    .filter((group) => group.lines.length > 0);
}
