import { decimalMark, type Locale } from './locale.ts';
import { formatQuantity, unitFor } from './quantity.ts';

/**
 * Units of measure: what each weighs or holds, and how a scaled amount is shown — in the unit
 * a cook would use for that much (1067 g → 1.07 kg, 8 tbsp → ½ cup, ¼ cup ÷ 3 → 4 tsp), in the
 * recipe's own system or the reader's choice of metric or imperial (US cups, ounces, pounds).
 * Pure and free of the edges: the web app imports it (`@yeet/domain/units`).
 */

export const unitSystems = ['metric', 'imperial'] as const;
export type UnitSystem = (typeof unitSystems)[number];
export const isUnitSystem = (value: unknown): value is UnitSystem => unitSystems.includes(value as UnitSystem);

/** A unit measured on a scale or in a jug. */
export interface Measure {
  dimension: 'mass' | 'volume';
  /** How many grams or millilitres one of it is. */
  base: number;
  /** Spoons are used the world over: they belong to neither system. */
  system: UnitSystem | 'both';
}

export const measures: Readonly<Record<string, Measure>> = {
  mg: { dimension: 'mass', base: 0.001, system: 'metric' },
  g: { dimension: 'mass', base: 1, system: 'metric' },
  kg: { dimension: 'mass', base: 1000, system: 'metric' },
  oz: { dimension: 'mass', base: 28.349523125, system: 'imperial' },
  lb: { dimension: 'mass', base: 453.59237, system: 'imperial' },
  ml: { dimension: 'volume', base: 1, system: 'metric' },
  cl: { dimension: 'volume', base: 10, system: 'metric' },
  dl: { dimension: 'volume', base: 100, system: 'metric' },
  l: { dimension: 'volume', base: 1000, system: 'metric' },
  tsp: { dimension: 'volume', base: 5, system: 'both' },
  tbsp: { dimension: 'volume', base: 15, system: 'both' },
  // the US cup, as most recipes on the web mean it
  cup: { dimension: 'volume', base: 240, system: 'imperial' },
};

/** Other spellings of the units above. */
export const unitSpellings: Readonly<Record<string, string>> = {
  gram: 'g',
  grams: 'g',
  kilogram: 'kg',
  kilograms: 'kg',
  lbs: 'lb',
  pound: 'lb',
  pounds: 'lb',
  ounce: 'oz',
  ounces: 'oz',
  litre: 'l',
  litres: 'l',
  liter: 'l',
  liters: 'l',
  millilitre: 'ml',
  millilitres: 'ml',
  milliliter: 'ml',
  milliliters: 'ml',
  teaspoon: 'tsp',
  teaspoons: 'tsp',
  tablespoon: 'tbsp',
  tablespoons: 'tbsp',
  cups: 'cup',
};

/** "Tablespoons", "g.", "cups" → "tbsp", "g", "cup"; undefined for units not measured (clove, can). */
export function measureUnit(unit: string): string | undefined {
  const u = unit.trim().toLowerCase().replace(/\.$/, '');
  const key = unitSpellings[u] ?? u;
  return measures[key] ? key : undefined;
}

/**
 * The system a recipe is written in: the one most of its measured ingredients use (spoons
 * count for neither); metric when none or as many of each.
 */
export function recipeUnitSystem(units: Iterable<string>): UnitSystem {
  let score = 0;
  for (const unit of units) {
    const key = measureUnit(unit);
    const system = key === undefined ? undefined : measures[key]?.system;
    if (system === 'metric') score += 1;
    else if (system === 'imperial') score -= 1;
  }
  return score < 0 ? 'imperial' : 'metric';
}

/** An amount as the page shows it: "1.07" "kg"; no quantity for "salt, to taste". */
export interface DisplayAmount {
  quantity: string | null;
  unit: string;
}

// Which units an amount may be shown in, smallest first, with the least of each a cook would
// measure in it (in grams or millilitres). The first that fits from the top is taken.
type Step = readonly [unit: string, from: number];
const ladders: Record<UnitSystem, Record<Measure['dimension'], readonly Step[]>> = {
  metric: {
    mass: [
      ['g', 0],
      ['kg', 1000],
    ],
    volume: [
      ['ml', 0],
      ['l', 1000],
    ],
  },
  imperial: {
    mass: [
      ['oz', 0],
      ['lb', 453.59237],
    ],
    volume: [
      ['tsp', 0],
      ['tbsp', 15],
      ['cup', 60],
    ],
  },
};
// Spoons in a metric recipe stay spoons up to 4 tbsp; more reads better in millilitres.
const metricSpoons: readonly Step[] = [
  ['tsp', 0],
  ['tbsp', 15],
  ['ml', 61],
  ['l', 1000],
];

// The amounts each cup and spoon measures (a set has 1, ½, ⅓ and ¼ cup; 1 tbsp; 1, ½ and ¼
// tsp), and the most of each a cook would count out before reaching for the next size up.
const spoonsAndCups: Record<string, { parts: readonly number[]; most: number }> = {
  cup: { parts: [4, 3], most: Number.POSITIVE_INFINITY },
  tbsp: { parts: [2], most: 16 },
  tsp: { parts: [4], most: 12 },
};

/** Whether `q` of `unit` is an amount its cups and spoons measure (1½ tbsp, ⅔ cup; not ⅝ cup). */
function measurable(q: number, unit: string): boolean {
  const spoon = spoonsAndCups[unit];
  if (spoon === undefined) return true;
  return q <= spoon.most && spoon.parts.some((parts) => Math.abs(q * parts - Math.round(q * parts)) < 0.05);
}

/**
 * `quantity` of `unit`, times `factor`, in the unit a cook would read it in: with `convert`, in
 * `system`; without, each amount stays in its own system, spoons in the recipe's (`system`). The
 * unit moves up or down its ladder when scaling made it unwieldy (no "133333 g", no "⅙ cup");
 * unscaled and unconverted, it stays as written. Units that are not measures (2 cloves, 1 can)
 * only scale. The quantity is unrounded: `displayAmount` formats it for reading.
 */
export function scaledAmount(
  amount: { quantity?: number | null; unit: string },
  factor: number,
  system: UnitSystem,
  convert: boolean,
): { quantity: number | null; unit: string } {
  const { quantity, unit } = amount;
  if (quantity === undefined || quantity === null) return { quantity: null, unit };
  const key = measureUnit(unit);
  const measure = key === undefined ? undefined : measures[key];
  if (key === undefined || measure === undefined) return { quantity: quantity * factor, unit: unitFor(unit, quantity, factor) };
  const target = convert || measure.system === 'both' ? system : measure.system;
  const base = quantity * factor * measure.base;
  const spoons = measure.system === 'both';
  const ladder = target === 'metric' && spoons ? metricSpoons : ladders[target][measure.dimension];
  const shown = factor === 1 && (measure.system === target || spoons) ? key : pick(ladder, base, key);
  const q = base / (measures[shown] as Measure).base;
  // the author's spelling unscaled ("Tablespoons"); scaled, the unit's own, in the right number
  const text = factor === 1 && shown === key ? unit : shown;
  return { quantity: q, unit: (measures[shown] as Measure).system === 'metric' ? text : unitFor(text, q, 1) };
}

/**
 * `scaledAmount` as the page shows it: "1.07" "kg", "1½" "cups"; no quantity for "salt, to
 * taste". In German the decimal mark is a comma ("1,07" "kg"); the unit's symbol is the same.
 */
export function displayAmount(
  amount: { quantity?: number | null; unit: string },
  factor: number,
  system: UnitSystem,
  convert: boolean,
  locale: Locale = 'en',
): DisplayAmount {
  const { quantity, unit } = scaledAmount(amount, factor, system, convert);
  if (quantity === null) return { quantity: null, unit };
  const key = measureUnit(unit);
  const text = key !== undefined && measures[key]?.system === 'metric' ? formatMetric(quantity, key) : formatQuantity(quantity);
  // no grouping in either language ("1067 g"): only the decimal mark differs
  return { quantity: decimalMark(text, locale), unit };
}

/** The unit to show `base` grams or millilitres in, from the ladder. */
function pick(ladder: readonly Step[], base: number, written: string): string {
  // A metric unit the author chose that the ladder leaves out (mg, cl, dl) stays while it reads well.
  const own = measures[written] as Measure;
  const q = base / own.base;
  const metric = ladder.some(([u]) => measures[u]?.system === 'metric');
  if (metric && own.system === 'metric' && !ladder.some(([u]) => u === written) && q >= 1 && q < 1000 && base < 1000) {
    return written;
  }
  const fitting = ladder.filter(([, from]) => base >= from);
  // the largest unit fitting the amount, unless its cups and spoons cannot measure it (⅝ cup: 10 tbsp)
  for (let i = fitting.length - 1; i >= 0; i--) {
    const [u] = fitting[i] as Step;
    if (measurable(base / (measures[u] as Measure).base, u)) return u;
  }
  return (fitting.at(-1) ?? (ladder[0] as Step))[0];
}

/**
 * Metric amounts read as decimals: whole grams and millilitres from 10 up, one decimal below
 * (2.5 g), kilograms and litres to three figures (1.07 kg).
 */
function formatMetric(q: number, unit: string): string {
  if (q > 0 && q < 0.1) return String(Number(q.toPrecision(1)));
  if (unit === 'kg' || unit === 'l') return String(Number(q.toPrecision(3)));
  return q >= 10 ? String(Math.round(q)) : String(Math.round(q * 10) / 10);
}
