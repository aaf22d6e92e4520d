/**
 * Seeded randomness for made-up data and looks (the demo's cover art and ratings, the
 * benchmarks' recipes, the web's placeholder colours): the same seed gives the same sequence
 * on every machine. Not for anything secret. No imports (`@yeet/domain/random`).
 */

/** mulberry32: numbers in [0, 1), small and fast, good enough for test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed from text (FNV-1a), so the same title always draws the same picture. */
export function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The item at `index`, counting round the list; the list must not be empty. */
export function itemAt<T>(list: readonly T[], index: number): T {
  const item = list[index % list.length];
  if (item === undefined) throw new RangeError('no item in an empty list');
  return item;
}

/** An item of a non-empty list, chosen by `rand`. */
export const pick = <T>(rand: () => number, list: readonly T[]): T => itemAt(list, Math.floor(rand() * list.length));
