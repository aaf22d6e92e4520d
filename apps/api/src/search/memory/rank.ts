/**
 * PostgreSQL's ts_rank('{0.1, 0.2, 0.4, 1.0}', document, query) recomputed in the API process,
 * to the bit: the memory engine must order hits exactly as the PostgreSQL engine does
 * (tsrank.c: calc_rank_or / calc_rank_and, float4 arithmetic where C uses float, double where it
 * uses double). A position is a uint16 as PostgreSQL stores it (WordEntryPos): weight in the
 * top two bits (3 = A … 0 = D), position in the low fourteen.
 */

const f32 = Math.fround;
/** Weights by weight code (D, C, B, A), as the float4 array the SQL passes. */
const weights = [f32(0.1), f32(0.2), f32(0.4), f32(1.0)];
const tiny = f32(1e-20);
const farApart = f32(1e-30);

const weightOf = (wep: number) => weights[wep >>> 14]!;
const posOf = (wep: number) => wep & 0x3fff;

/**
 * Where a posting's positions are: `ref` into a store holding [count, wep…], or — for the
 * commonest case, one position — `inlinePosition + wep`, nothing stored.
 */
export const inlinePosition = 0x80000000;
const countAt = (store: Uint16Array, ref: number) => (ref >= inlinePosition ? 1 : store[ref]!);
const wepAt = (store: Uint16Array, ref: number, l: number) =>
  ref >= inlinePosition ? ref - inlinePosition : store[ref + 1 + l]!;

/**
 * What one matched lexeme weighs in calc_rank_or (a float4, so a posting can keep it):
 * occurrences weighted 1/n², the heaviest counted in full.
 */
export function orWeight(weps: Uint16Array, n: number): number {
  let resj = 0;
  let wjm = -1;
  let jm = 0;
  for (let j = 0; j < n; j++) {
    const w = weightOf(weps[j]!);
    resj = f32(resj + f32(w / ((j + 1) * (j + 1))));
    if (w > wjm) {
      wjm = w;
      jm = j;
    }
  }
  return f32(f32(wjm + resj) - f32(wjm / ((jm + 1) * (jm + 1))));
}

/**
 * calc_rank_or over the matched lexemes, given in operand order (sorted, unique operands;
 * a prefix operand's lexemes in lexeme order); `operands` counts every unique operand.
 */
export function rankOr(orWeights: ArrayLike<number>, count: number, operands: number): number {
  let res = 0;
  for (let i = 0; i < count; i++) res = addOr(res, orWeights[i]!);
  return orRank(res, operands);
}

/**
 * calc_rank_or in two steps, for a caller that sums the matched lexemes of many documents at
 * once: `addOr` adds one matched lexeme (in operand order, from 0), `orRank` ends the sum.
 */
export const addOr = (res: number, orWeight: number): number => f32(res + orWeight / 1.64493406685);
export const orRank = (res: number, operands: number): number => finish(f32(res / operands));

function wordDistance(w: number): number {
  if (w > 100) return farApart;
  return f32(1.0 / (1.005 + 0.05 * Math.exp(f32(w) / 1.5 - 2)));
}

/**
 * calc_rank_and: every pair of positions of two different operands adds by proximity.
 * `entries` lists, in operand order, the matched lexemes as [operand index, ref]; like
 * PostgreSQL, an operand with several lexemes (a prefix) pairs each with the last lexeme
 * of the operands before it.
 */
export function rankAnd(
  store: Uint16Array,
  operandOf: readonly number[],
  refs: readonly number[],
  orWeights: ArrayLike<number>,
  count: number,
  operands: number,
): number {
  if (operands < 2) return rankOr(orWeights, count, operands);
  const last = lastRefs;
  last.fill(-1, 0, operands);
  let res = -1;
  for (let e = 0; e < count; e++) {
    const i = operandOf[e]!;
    const ref = refs[e]!;
    last[i] = ref;
    const dimt = countAt(store, ref);
    for (let k = 0; k < i; k++) {
      const other = last[k]!;
      if (other < 0) continue;
      const lenct = countAt(store, other);
      for (let l = 0; l < dimt; l++) {
        const a = wepAt(store, ref, l);
        for (let p = 0; p < lenct; p++) {
          const b = wepAt(store, other, p);
          const dist = Math.abs(posOf(a) - posOf(b));
          if (dist === 0) continue;
          const curw = f32(Math.sqrt(f32(f32(weightOf(a) * weightOf(b)) * wordDistance(dist))));
          res = res < 0 ? curw : f32(1.0 - (1.0 - res) * (1.0 - curw));
        }
      }
    }
  }
  return finish(res);
}
let lastRefs = new Float64Array(64);
/** Makes room for `n` operands in the scratch space of rankAnd. */
export function reserveOperands(n: number): void {
  if (lastRefs.length < n) lastRefs = new Float64Array(n * 2);
}

function finish(res: number): number {
  return res < 0 ? tiny : res;
}

/**
 * The order PostgreSQL's SortAndUniqItems leaves a query's operands in, and which of two equal
 * strings (a word and the same word as a prefix) survives: the operands are collected from the
 * query tree (which to_tsquery stores right operand first, so: the text's order reversed),
 * sorted with PostgreSQL's qsort (not stable beyond six items), and the first of each run of
 * equal strings kept. Returns indexes into `textual`.
 */
export function uniqueOperands(textual: readonly string[]): number[] {
  const items = textual.map((_, i) => textual.length - 1 - i);
  const cmp = (a: number, b: number) => {
    const x = textual[a]!;
    const y = textual[b]!;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  pgQsort(items, 0, items.length, cmp);
  const out: number[] = [];
  for (const i of items) if (out.length === 0 || cmp(out.at(-1)!, i) !== 0) out.push(i);
  return out;
}

/** PostgreSQL's qsort (src/include/lib/sort_template.h, the BSD one) on a[lo, lo + n). */
function pgQsort(a: number[], lo: number, n: number, cmp: (x: number, y: number) => number): void {
  const swap = (i: number, j: number) => {
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  };
  const vecswap = (i: number, j: number, count: number) => {
    for (let k = 0; k < count; k++) swap(i + k, j + k);
  };
  const med3 = (x: number, y: number, z: number) =>
    cmp(a[x]!, a[y]!) < 0
      ? cmp(a[y]!, a[z]!) < 0
        ? y
        : cmp(a[x]!, a[z]!) < 0
          ? z
          : x
      : cmp(a[y]!, a[z]!) > 0
        ? y
        : cmp(a[x]!, a[z]!) < 0
          ? x
          : z;
  for (;;) {
    if (n < 7) {
      for (let pm = lo + 1; pm < lo + n; pm++) for (let pl = pm; pl > lo && cmp(a[pl - 1]!, a[pl]!) > 0; pl--) swap(pl, pl - 1);
      return;
    }
    let presorted = true;
    for (let pm = lo + 1; pm < lo + n; pm++) {
      if (cmp(a[pm - 1]!, a[pm]!) > 0) {
        presorted = false;
        break;
      }
    }
    if (presorted) return;
    let pm = lo + (n >> 1);
    if (n > 7) {
      let pl = lo;
      let pn = lo + n - 1;
      if (n > 40) {
        const d = n >> 3;
        pl = med3(pl, pl + d, pl + 2 * d);
        pm = med3(pm - d, pm, pm + d);
        pn = med3(pn - 2 * d, pn - d, pn);
      }
      pm = med3(pl, pm, pn);
    }
    swap(lo, pm);
    let pa = lo + 1;
    let pb = pa;
    let pc = lo + n - 1;
    let pd = pc;
    for (;;) {
      while (pb <= pc) {
        const r = cmp(a[pb]!, a[lo]!);
        if (r > 0) break;
        if (r === 0) {
          swap(pa, pb);
          pa++;
        }
        pb++;
      }
      while (pb <= pc) {
        const r = cmp(a[pc]!, a[lo]!);
        if (r < 0) break;
        if (r === 0) {
          swap(pc, pd);
          pd--;
        }
        pc--;
      }
      if (pb > pc) break;
      swap(pb, pc);
      pb++;
      pc--;
    }
    const pn = lo + n;
    let d1 = Math.min(pa - lo, pb - pa);
    vecswap(lo, pb - d1, d1);
    d1 = Math.min(pd - pc, pn - pd - 1);
    vecswap(pb, pn - d1, d1);
    d1 = pb - pa;
    const d2 = pd - pc;
    if (d1 <= d2) {
      if (d1 > 1) pgQsort(a, lo, d1, cmp);
      if (d2 > 1) {
        lo = pn - d2;
        n = d2;
        continue;
      }
    } else {
      if (d2 > 1) pgQsort(a, pn - d2, d2, cmp);
      if (d1 > 1) {
        n = d1;
        continue;
      }
    }
    return;
  }
}
