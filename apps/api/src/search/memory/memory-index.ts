import { facetNames, type FacetName, type ImageRef } from '@yeet/domain';
import type { Highlighted } from '../engine.ts';
import { headline, wordsOf } from './headline.ts';
import { addOr, inlinePosition, orRank, orWeight, rankAnd, reserveOperands } from './rank.ts';
import { readTsvector } from './tsvector.ts';

/** One row of search_documents, as the memory index keeps it, with what a hit shows of its recipe. */
export interface IndexedDocument {
  id: string;
  /** search_documents.document as text (weighted, stemmed lexemes with positions) */
  document: string;
  /** search_documents.title_vector as text (unstemmed title words, for suggestions) */
  titleVector: string;
  /** "facet:value" for every facet value, as search_documents.facet_values */
  facetValues: string[];
  ratingScore: number;
  publishedAt: number;
  totalMinutes: number;
  card: CardSource;
}

/** What a hit shows of the recipe beyond the index's own fields (decision 0036). */
export interface CardSource {
  slug: string;
  title: string;
  summary: string;
  servings: number;
  prepMinutes: number;
  cookMinutes: number;
  ratingCount: number;
  ratingSum: number;
  cover: ImageRef | null;
}

/** A hit as the index keeps it: the card's fields and the title and summary marked as ts_headline marks them. */
export interface StoredHit extends CardSource {
  id: string;
  totalMinutes: number;
  publishedAt: number;
  facetValues: string[];
  /** null: the text holds something only PostgreSQL's parser can split (see headline.ts) */
  highlighted: { title: Highlighted; summary: Highlighted } | null;
}

/** What to match: terms ANDed, each the union of its lexemes; and the operands ts_rank sees. */
export interface CompiledText {
  /** per term, lexeme strings matched exactly and prefixes every lexeme starting with which matches */
  terms: Array<{ exact: string[]; prefixes: string[] }>;
  /** ts_rank's unique operands, in its order: a lexeme, and whether it is a prefix */
  operands: Array<{ lexeme: string; prefix: boolean }>;
  /** the query's root is an AND (two or more terms): ts_rank's proximity formula */
  and: boolean;
}

export interface IndexFilter {
  cuisines: string[];
  mealTypes: string[];
  difficulties: string[];
  timeBuckets: string[];
  maxTotalMinutes: number | null;
  tags: string[];
  dietaryFlags: string[];
}

export type IndexSort = 'relevance' | 'newest' | 'top_rated' | 'quickest';

export interface IndexResult {
  ids: string[];
  total: number;
  /** facet → value → count, values with a count only */
  facets: Map<string, Map<string, number>>;
}

/** How the candidates of a text are ranked (ts_rank), per the shape of the query. */
type Ranking =
  /** one lexeme: by its posting's weight, a candidate's index being its posting's */
  | { kind: 'posting'; weights: Float32Array; operands: number }
  /**
   * one term of several lexemes: calc_rank_or's sum per ordinal, summed beforehand when a search
   * needs them (`filled`), over the postings of `entries` (lexeme ids in operand order, a lexeme
   * once per operand it matches); `lexemes`: the term's lexemes (the candidates are their documents)
   */
  | { kind: 'sum'; sums: Float64Array; filled: boolean; operands: number; entries: number[]; lexemes: number[] }
  /** several terms: calc_rank_and, document by document */
  | { kind: 'fn'; rank: (ord: number) => number; operands: number };

/** How #sumPage walks a term of several lexemes (see #sumPlan). */
interface SumPlan {
  /** the term's lexemes with a tally, an operand, and a kept order that is the rank's */
  broad: Array<{ lexeme: number; tally: Tally; rank: (weight: number) => number }>;
  /** the documents of its other lexemes and those with two broad ones, ascending (dead ones included) */
  explicit: Uint32Array;
  /** per explicit document: its rank, and how many broad lexemes it has */
  ranks: Float64Array;
  broadCount: Uint8Array;
  /** the explicit documents as bits */
  bits: Uint32Array;
}

const facetIndex = new Map<string, number>(facetNames.map((f, i) => [f, i]));
const cardFields = 7;
const unsureOffset = 0xffff;
/** the last position a tsvector keeps (PostgreSQL's MAXENTRYPOS - 1): later words share it */
const lastPosition = 0x3fff;
const weightA = 3 << 14;
const diet = facetNames.indexOf('dietary_flags');
const timeFacet = facetNames.indexOf('time_buckets');
const filterKeys: Record<FacetName, keyof IndexFilter> = {
  cuisines: 'cuisines',
  meal_types: 'mealTypes',
  difficulty: 'difficulties',
  time_buckets: 'timeBuckets',
  tags: 'tags',
  dietary_flags: 'dietaryFlags',
};

/** A typed array that grows by doubling. */
class Grow<T extends Uint32Array | Uint16Array | Float64Array | Int32Array | Uint8Array> {
  data: T;
  length = 0;
  readonly #make: (n: number) => T;
  constructor(make: (n: number) => T, initial = 16) {
    this.#make = make;
    this.data = make(initial);
  }
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.data.length) return;
    let size = this.data.length * 2;
    while (size < need) size *= 2;
    const next = this.#make(size);
    next.set(this.data.subarray(0, this.length) as never);
    this.data = next;
  }
  push(v: number): void {
    if (this.length === this.data.length) this.reserve(1);
    this.data[this.length++] = v;
  }
  /** Drops the room beyond the length (after a load). */
  trim(): void {
    if (this.data.length === this.length) return;
    const next = this.#make(Math.max(this.length, 1));
    next.set(this.data.subarray(0, this.length) as never);
    this.data = next;
  }
}

/** Ordinals of the documents with a word, ascending. */
class Ordinals {
  ords = new Uint32Array(2);
  length = 0;
  push(ord: number): void {
    if (this.length === this.ords.length) this.grow();
    this.ords[this.length++] = ord;
  }
  protected grow(): void {
    const ords = new Uint32Array(this.length * 2);
    ords.set(this.ords);
    this.ords = ords;
  }
  trim(): void {
    this.ords = this.ords.slice(0, this.length);
  }
}

/** A posting list of a lexeme: with each ordinal, where its positions are and its weight in ts_rank's OR formula. */
class Postings extends Ordinals {
  refs = new Uint32Array(2);
  weights = new Float32Array(2);
  add(ord: number, ref: number, weight: number): void {
    if (this.length === this.ords.length) {
      this.grow();
      const refs = new Uint32Array(this.length * 2);
      refs.set(this.refs);
      this.refs = refs;
      const weights = new Float32Array(this.length * 2);
      weights.set(this.weights);
      this.weights = weights;
    }
    this.ords[this.length] = ord;
    this.refs[this.length] = ref;
    this.weights[this.length++] = weight;
  }
  override trim(): void {
    super.trim();
    this.refs = this.refs.slice(0, this.length);
    this.weights = this.weights.slice(0, this.length);
  }
}

/** First index in ords[from, length) whose value is ≥ target (galloping, then binary search). */
function seek(ords: Uint32Array, length: number, from: number, target: number): number {
  if (from >= length || ords[from]! >= target) return from;
  let step = 1;
  let lo = from;
  let hi = from + 1;
  while (hi < length && ords[hi]! < target) {
    lo = hi;
    step *= 2;
    hi = from + step;
  }
  if (hi > length) hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ords[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function union(a: Uint32Array, b: Uint32Array, into?: Uint32Array): Uint32Array {
  const out = into && into.length >= a.length + b.length ? into : new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) {
      out[n++] = x;
      i++;
    } else if (y < x) {
      out[n++] = y;
      j++;
    } else {
      out[n++] = x;
      i++;
      j++;
    }
  }
  while (i < a.length) out[n++] = a[i++]!;
  while (j < b.length) out[n++] = b[j++]!;
  return out.subarray(0, n);
}

function intersect(small: Uint32Array, big: Uint32Array): Uint32Array {
  const out = new Uint32Array(small.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < small.length; i++) {
    const x = small[i]!;
    j = seek(big, big.length, j, x);
    if (j >= big.length) break;
    if (big[j] === x) out[n++] = x;
  }
  return out.subarray(0, n);
}

/** The union of sorted lists: merged pairwise, smallest first; many large ones through a mark per ordinal. */
/** unionAll's marks, all 0 between calls */
let marks = new Uint8Array(0);

function unionAll(parts: Uint32Array[]): Uint32Array {
  if (parts.length === 1) return parts[0]!;
  let sum = 0;
  let max = 0;
  for (const p of parts) {
    sum += p.length;
    if (p.length > 0) max = Math.max(max, p[p.length - 1]!);
  }
  if (parts.length > 4 && sum > max / 16) {
    if (marks.length <= max) marks = new Uint8Array(Math.max(max + 1, marks.length * 2));
    const mark = marks;
    for (const p of parts) for (let i = 0; i < p.length; i++) mark[p[i]!] = 1;
    const out = new Uint32Array(sum);
    let n = 0;
    for (let ord = 0; ord <= max; ord++)
      if (mark[ord] === 1) {
        out[n++] = ord;
        mark[ord] = 0;
      }
    return out.subarray(0, n);
  }
  parts.sort((a, b) => a.length - b.length);
  let merged = parts[0]!;
  for (let i = 1; i < parts.length; i++) merged = union(merged, parts[i]!);
  return merged;
}

/** Indexes in `list` of its ordinals that `other` has too, ascending (both sorted). */
function intersectPositions(other: Uint32Array, list: Uint32Array): Uint32Array {
  const out = new Uint32Array(Math.min(other.length, list.length));
  let n = 0;
  let j = 0;
  if (other.length < list.length) {
    for (let i = 0; i < other.length; i++) {
      j = seek(list, list.length, j, other[i]!);
      if (j >= list.length) break;
      if (list[j] === other[i]) out[n++] = j;
    }
  } else {
    for (let i = 0; i < list.length; i++) {
      j = seek(other, other.length, j, list[i]!);
      if (j >= other.length) break;
      if (other[j] === list[i]) out[n++] = i;
    }
  }
  return out.subarray(0, n);
}

/** `bits` with bit `ord` set: the same array, or a larger copy when it is too short. */
function setBit(bits: Uint32Array, ord: number): Uint32Array {
  const word = ord >>> 5;
  if (word >= bits.length) {
    const grown = new Uint32Array(Math.max(word + 1, bits.length * 2));
    grown.set(bits);
    bits = grown;
  }
  bits[word]! |= 1 << (ord & 31);
  return bits;
}

/** Runs of one weight in postings sorted by weight, descending: run r is [starts[r], starts[r + 1]). */
interface Runs {
  weights: Float32Array;
  starts: Uint32Array;
}

function runsOf(weights: Float32Array, order: Uint32Array): Runs {
  const ws: number[] = [];
  const starts: number[] = [];
  for (let i = 0; i < order.length; i++) {
    const w = weights[order[i]!]!;
    if (ws.length === 0 || ws.at(-1) !== w) {
      ws.push(w);
      starts.push(i);
    }
  }
  starts.push(order.length);
  return { weights: Float32Array.from(ws), starts: Uint32Array.from(starts) };
}

/** Set bits of a 32-bit word. */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Set bits of a bitset. */
function countBits(bits: Uint32Array): number {
  let n = 0;
  for (let w = 0; w < bits.length; w++) if (bits[w] !== 0) n += popcount(bits[w]!);
  return n;
}

/** `into` &= `other` (bits past `other`'s end cleared). */
function andInto(into: Uint32Array, other: Uint32Array): void {
  const m = Math.min(into.length, other.length);
  for (let w = 0; w < m; w++) into[w]! &= other[w]!;
  into.fill(0, m);
}

/**
 * Counting a facet value over a bitset costs about this many of its documents' bit tests per
 * word of the bitset (a popcount of an AND against a load and a shift per document).
 */
const bitWordCost = 2;
/**
 * How much cheaper the bitsets must look before they replace the pass (bench/memory-engine.ts):
 * a browse's page comes off a kept order, a text's still off the heap over what passes (the
 * prefix `chick` under three filters was 2.5× slower by bitsets at 1 and on par at 2).
 */
const bitsAdvantage = { browsing: 1, text: 2 };

/** At most this many broad lexemes in a term walked by #sumPlan (it intersects every pair). */
const maxBroad = 4;

/** A lexeme keeps a tally once it has this many documents (and at least 1% of them). */
const tallyAbove = 1000;

/** How many documents have each facet value code. */
class Tally {
  counts = new Int32Array(64);
  /** the alive documents counted */
  docs = 0;
  add(codes: Uint16Array, from: number, to: number, by: number): void {
    this.docs += by;
    for (let i = from; i < to; i++) {
      const code = codes[i]!;
      if (code >= this.counts.length) {
        const counts = new Int32Array(Math.max(code + 1, this.counts.length * 2));
        counts.set(this.counts);
        this.counts = counts;
      }
      this.counts[code]! += by;
    }
  }
}

/** Lexeme strings kept sorted for prefix ranges, re-sorted only after new ones arrived. */
class Lexicon<P extends Ordinals> {
  readonly ids = new Map<string, number>();
  readonly strings: string[] = [];
  readonly postings: P[] = [];
  readonly #make: () => P;
  #sorted: number[] = [];
  #sortedUpTo = 0;

  constructor(make: () => P) {
    this.#make = make;
  }

  idOf(lexeme: string): number {
    let id = this.ids.get(lexeme);
    if (id === undefined) {
      id = this.strings.length;
      this.ids.set(lexeme, id);
      this.strings.push(lexeme);
      this.postings.push(this.#make());
    }
    return id;
  }

  /** Where `text` goes in the sorted lexemes. */
  #lowerBound(text: string): number {
    const s = this.#sorted;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.strings[s[mid]!]! < text) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Ids of the lexemes starting with `prefix`, in string order. */
  withPrefix(prefix: string): number[] {
    this.sort();
    const s = this.#sorted;
    const lo = this.#lowerBound(prefix);
    const out: number[] = [];
    for (let i = lo; i < s.length && this.strings[s[i]!]!.startsWith(prefix); i++) out.push(s[i]!);
    return out;
  }

  /** Brings the sorted lexemes up to date. */
  sort(): void {
    if (this.#sortedUpTo !== this.strings.length) {
      const fresh = this.strings.length - this.#sortedUpTo;
      if (fresh > 1000) {
        const all = this.strings.map((_, i) => i);
        this.#sorted = all.sort((a, b) => (this.strings[a]! < this.strings[b]! ? -1 : 1));
      } else {
        // a few new lexemes (the usual write): put each in its place
        for (let id = this.#sortedUpTo; id < this.strings.length; id++)
          this.#sorted.splice(this.#lowerBound(this.strings[id]!), 0, id);
      }
      this.#sortedUpTo = this.strings.length;
    }
  }
}

/**
 * The search documents in memory. A document gets an ordinal when added; an update adds it
 * again under a new ordinal and marks the old one dead, so every posting list stays sorted by
 * appending. Dead ordinals are skipped until the owner rebuilds the index (see `dead`).
 */
export class MemoryIndex {
  readonly #ids: string[] = [];
  readonly #ordOf = new Map<string, number>();
  readonly #alive = new Grow((n) => new Uint8Array(n));
  readonly #rating = new Grow((n) => new Float64Array(n));
  readonly #published = new Grow((n) => new Float64Array(n));
  readonly #minutes = new Grow((n) => new Int32Array(n));
  readonly #facetStart = new Grow((n) => new Uint32Array(n));
  readonly #facetCodes = new Grow((n) => new Uint16Array(n));
  readonly #titleStart = new Grow((n) => new Uint32Array(n));
  readonly #titleWords = new Grow((n) => new Uint32Array(n));
  readonly #positions = new Grow((n) => new Uint16Array(n), 1024);
  /** per ordinal: slug, title, summary, cover id and placeholder, separated by U+001F */
  readonly #texts: string[] = [];
  /** per ordinal, `cardFields` numbers: servings, prep, cook, rating count and sum, cover width and height */
  readonly #cardNumbers = new Grow((n) => new Int32Array(n), 1024);
  /** per ordinal: where the summary's positions start in the document (the highest A–C position), or `unsureOffset` */
  readonly #summaryOffset = new Grow((n) => new Uint16Array(n));
  readonly #lexemes = new Lexicon(() => new Postings());
  readonly #titles = new Lexicon(() => new Ordinals());
  /** per facet value code, the documents with it (for browsing with filters) */
  readonly #valuePostings: Ordinals[] = [];
  /**
   * Per lexeme with many documents, once a search asked for it: how many of its alive documents
   * have each facet value, kept up to date by put and remove (a common word's facet counts
   * without a pass over its documents).
   */
  readonly #tallies = new Map<number, Tally>();
  /**
   * per broad lexeme, once a walk asked for it: its posting indexes by weight, rating and id
   * descending, as of `upTo` postings, in runs of one weight (see #impactCursor)
   */
  readonly #impacts = new Map<number, { upTo: number; order: Uint32Array; runs: Runs }>();
  #tallied = new Uint8Array(0);
  /** per facet value code, once a filter or a count used it: a bit per ordinal that has it (kept up to date by put) */
  readonly #valueBits: Array<Uint32Array | undefined> = [];
  /** a bit per alive ordinal */
  #aliveBits: Uint32Array = new Uint32Array(0);
  /** room for the candidates of a browse with several filters */
  #unionScratch = new Uint32Array(0);
  /** calc_rank_or's sums per ordinal during a search, zero between searches */
  #sumScratch = new Float64Array(0);
  /** per title word, which of a suggestion's words it is (bits), zero between suggestions */
  #wordMask = new Uint32Array(0);
  /** facet value code ↔ "facet:value" */
  readonly #codeOf = new Map<string, number>();
  readonly #codeKey: string[] = [];
  #codeFacet = new Uint8Array(256);
  /** alive documents per facet value */
  #codeCount = new Int32Array(256);
  #live = 0;
  /** the alive documents in the order of each sort, for browsing without filters and for suggestions */
  readonly #orders: Record<'newest' | 'top_rated' | 'quickest', SortedOrder> = {
    newest: new SortedOrder(() => this.#better('newest')),
    top_rated: new SortedOrder(() => this.#better('top_rated')),
    quickest: new SortedOrder(() => this.#better('quickest')),
  };

  /**
   * How a search over many candidates is answered (tests compare the ways): facet counts by
   * cost ('auto'), from bitsets whenever possible ('bits') or always by the one pass over every
   * candidate ('pass'); a broad word's page off its relevance order (`walk`, default) or off
   * the heap over its matches.
   */
  readonly #counting: 'auto' | 'bits' | 'pass';
  readonly #walk: boolean;

  constructor(options: { counting?: 'auto' | 'bits' | 'pass'; walk?: boolean } = {}) {
    this.#counting = options.counting ?? 'auto';
    this.#walk = options.walk ?? true;
    // document `ord`'s facet codes and title words are [start[ord], start[ord + 1])
    this.#facetStart.push(0);
    this.#titleStart.push(0);
  }

  get size(): number {
    return this.#live;
  }
  /** Ordinals no longer alive: worth a rebuild when they outnumber a good part of the live ones. */
  get dead(): number {
    return this.#ids.length - this.#live;
  }
  get lexemeCount(): number {
    return this.#lexemes.strings.length;
  }
  has(id: string): boolean {
    return this.#ordOf.has(id);
  }

  /** Adds or replaces a document (`fresh`: known not to be there, as in a load). */
  put(doc: IndexedDocument, fresh = false): void {
    if (!fresh) this.remove(doc.id);
    const ord = this.#ids.length;
    this.#ids.push(doc.id);
    this.#ordOf.set(doc.id, ord);
    this.#alive.push(1);
    this.#aliveBits = setBit(this.#aliveBits, ord);
    this.#rating.push(doc.ratingScore);
    this.#published.push(doc.publishedAt);
    this.#minutes.push(doc.totalMinutes);
    for (const key of doc.facetValues) {
      const code = this.#code(key);
      this.#facetCodes.push(code);
      this.#codeCount[code]!++;
      this.#valuePostings[code]!.push(ord);
      if (this.#valueBits[code]) this.#valueBits[code] = setBit(this.#valueBits[code]!, ord);
    }
    const from = this.#facetStart.data[ord]!;
    const to = this.#facetCodes.length;
    this.#facetStart.push(to);
    let beforeSummary = 0;
    let crowded = false;
    readTsvector(doc.document, (lexeme, weps, count) => {
      // tsvector concatenation shifts the summary (weight D, last) past the highest position before it
      for (let i = 0; i < count; i++) if (weps[i]! >> 14 !== 0) beforeSummary = Math.max(beforeSummary, weps[i]! & 0x3fff);
      // a lexeme keeps at most 256 positions: later ones (in the summary) may be missing
      if (count >= 256) crowded = true;
      let ref: number;
      if (count === 1) ref = inlinePosition + weps[0]!;
      else {
        const positions = this.#positions;
        ref = positions.length;
        positions.reserve(count + 1);
        positions.data[ref] = count;
        positions.data.set(weps.subarray(0, count), ref + 1);
        positions.length = ref + 1 + count;
      }
      const id = this.#lexemes.idOf(lexeme);
      this.#lexemes.postings[id]!.add(ord, ref, orWeight(weps, count));
      if (id < this.#tallied.length && this.#tallied[id] === 1) this.#tallies.get(id)!.add(this.#facetCodes.data, from, to, 1);
    });
    readTsvector(doc.titleVector, (word) => {
      const id = this.#titles.idOf(word);
      this.#titleWords.push(id);
      this.#titles.postings[id]!.push(ord);
    });
    this.#titleStart.push(this.#titleWords.length);
    const c = doc.card;
    this.#texts.push([c.slug, c.title, c.summary, c.cover?.id ?? '', c.cover?.placeholder ?? ''].join('\u001f'));
    for (const v of [
      c.servings,
      c.prepMinutes,
      c.cookMinutes,
      c.ratingCount,
      c.ratingSum,
      c.cover?.width ?? 0,
      c.cover?.height ?? 0,
    ])
      this.#cardNumbers.push(v);
    this.#summaryOffset.push(crowded ? unsureOffset : beforeSummary);
    this.#live++;
    for (const order of Object.values(this.#orders)) order.add(ord, this.#alive.data);
  }

  remove(id: string): boolean {
    const ord = this.#ordOf.get(id);
    if (ord === undefined) return false;
    this.#ordOf.delete(id);
    this.#alive.data[ord] = 0;
    this.#aliveBits[ord >>> 5]! &= ~(1 << (ord & 31));
    const store = this.#facetCodes.data;
    const from = this.#facetStart.data[ord]!;
    const to = this.#facetStart.data[ord + 1]!;
    for (let i = from; i < to; i++) this.#codeCount[store[i]!]!--;
    for (const [lexeme, tally] of this.#tallies) {
      const p = this.#lexemes.postings[lexeme]!;
      const at = seek(p.ords, p.length, 0, ord);
      if (at < p.length && p.ords[at] === ord) tally.add(store, from, to, -1);
    }
    this.#live--;
    return true;
  }

  /** Frees the room kept for growth, after a load. */
  trim(): void {
    for (const g of [
      this.#alive,
      this.#rating,
      this.#published,
      this.#minutes,
      this.#facetStart,
      this.#facetCodes,
      this.#titleStart,
      this.#titleWords,
      this.#positions,
      this.#cardNumbers,
      this.#summaryOffset,
    ])
      g.trim();
    for (const p of this.#lexemes.postings) p.trim();
    for (const p of this.#titles.postings) p.trim();
    for (const p of this.#valuePostings) p.trim();
    const alive: number[] = [];
    for (let ord = 0; ord < this.#ids.length; ord++) if (this.#alive.data[ord] === 1) alive.push(ord);
    for (const order of Object.values(this.#orders)) order.build(alive);
    // sort the lexemes now rather than in the first prefix query
    this.#lexemes.sort();
    this.#titles.sort();
  }

  #code(key: string): number {
    let code = this.#codeOf.get(key);
    if (code === undefined) {
      code = this.#codeKey.length;
      if (code >= 0xffff) throw new Error('too many distinct facet values for the memory index');
      this.#codeOf.set(key, code);
      this.#codeKey.push(key);
      this.#valuePostings.push(new Ordinals());
      if (code >= this.#codeFacet.length) {
        const facet = new Uint8Array(this.#codeFacet.length * 2);
        facet.set(this.#codeFacet);
        this.#codeFacet = facet;
        const count = new Int32Array(this.#codeCount.length * 2);
        count.set(this.#codeCount);
        this.#codeCount = count;
      }
      this.#codeFacet[code] = facetIndex.get(key.slice(0, key.indexOf(':'))) ?? 255;
    }
    return code;
  }

  /** Alive documents per "facet:value" key, e.g. for tag suggestions. */
  facetTotals(facet: FacetName): Array<{ value: string; count: number }> {
    const f = facetIndex.get(facet)!;
    const out: Array<{ value: string; count: number }> = [];
    for (let code = 0; code < this.#codeKey.length; code++)
      if (this.#codeFacet[code] === f && this.#codeCount[code]! > 0)
        out.push({ value: this.#codeKey[code]!.slice(facet.length + 1), count: this.#codeCount[code]! });
    return out;
  }

  /**
   * The search of search-sql.ts over memory: matches (or every document when browsing),
   * filters, disjunctive facet counts, the total and one page in the sort's order.
   */
  search(
    text: CompiledText | null,
    filter: IndexFilter,
    sort: IndexSort,
    limit: number,
    offset: number,
    facets: boolean,
  ): IndexResult {
    // --- filters: which facet value codes each active facet accepts
    // a selected value's code → its facet's bit
    const selected = new Int32Array(this.#codeKey.length);
    /** per active facet: the codes of its selected values that exist */
    const chosen: number[][] = facetNames.map(() => []);
    const activeMask = facetNames.reduce((mask, f, i) => {
      const values = filter[filterKeys[f]] as string[];
      for (const v of values) {
        const code = this.#codeOf.get(`${f}:${v}`);
        if (code !== undefined) {
          if (selected[code] === 0) chosen[i]!.push(code);
          selected[code] = 1 << i;
        }
      }
      const active = f === 'time_buckets' ? values.length > 0 || filter.maxTotalMinutes !== null : values.length > 0;
      return active ? mask | (1 << i) : mask;
    }, 0);
    const dietsWanted = new Set(filter.dietaryFlags).size;
    const dietBit = 1 << diet;
    const timeBit = 1 << timeFacet;
    const bucketsWanted = filter.timeBuckets.length > 0;
    const maxMinutes = filter.maxTotalMinutes ?? 2147483647;

    // --- candidates
    let candidates: Uint32Array | null = null;
    let ranking: Ranking | null = null;
    let tally: Tally | null = null;
    /** the candidates are the tallied lexeme's postings, no more */
    let onlyTallied = false;
    let talliedOrds: Uint32Array | null = null;
    let lexemeId = -1;
    if (text) {
      const compiled = this.#compile(text, sort === 'relevance');
      if (!compiled) return { ids: [], total: 0, facets: new Map() };
      candidates = compiled.candidates;
      ranking = compiled.ranking;
      lexemeId = compiled.lexeme;
      // (a broad word's first page without filters comes off its postings in relevance order:
      // its tally gives the total, so it is kept for that too)
      if (compiled.lexeme >= 0 && (facets || (activeMask === 0 && ranking?.kind === 'posting')))
        tally = this.#tallyOf(compiled.lexeme);
      if (tally) {
        onlyTallied = compiled.only;
        const p = this.#lexemes.postings[compiled.lexeme]!;
        talliedOrds = p.ords.subarray(0, p.length);
      }
    }
    const order = sort === 'relevance' && !text ? 'newest' : sort;
    /** a term of several lexemes: its page off its broad lexemes' relevance orders (#sumPlan) */
    let plan: SumPlan | null = null;
    if (ranking?.kind === 'sum') {
      if (this.#walk && limit + offset > 0) plan = this.#sumPlan(ranking);
      if (plan && activeMask === 0) return this.#sumSearch(plan, limit, offset, facets);
      if (!plan) this.#fillSums(ranking);
    }
    if (tally && onlyTallied && activeMask === 0 && order === 'relevance' && ranking?.kind === 'posting' && this.#walk) {
      // one broad word, no filter: its counts are its tally's, its page the head of its postings
      // in relevance order (no pass over its documents)
      const p = this.#lexemes.postings[lexemeId]!;
      const page: number[] = [];
      if (limit + offset > 0)
        this.#impactWalk(lexemeId, ranking.operands, (c) => {
          page.push(p.ords[c]!);
          return page.length < limit + offset;
        });
      const counts = new Int32Array(this.#codeKey.length);
      counts.set(tally.counts.subarray(0, Math.min(counts.length, tally.counts.length)));
      return {
        ids: page.slice(offset).map((ord) => this.#ids[ord]!),
        total: tally.docs,
        facets: facets ? this.#facetMap(counts) : new Map(),
      };
    }
    if (!text && activeMask === 0 && order !== 'relevance') {
      // browsing everything: the page comes off the sort's order, the counts off the totals
      const page: number[] = [];
      if (limit + offset > 0)
        this.#ordered(order, (ord) => {
          page.push(ord);
          return page.length < limit + offset;
        });
      return { ids: page.slice(offset).map((ord) => this.#ids[ord]!), total: this.#live, facets: this.#totals(facets) };
    }
    if (facets && (text !== null || activeMask !== 0) && !(activeMask === 0 && onlyTallied)) {
      const bits = this.#bitsPay(candidates, activeMask, chosen, dietsWanted);
      if (bits) {
        const sets = this.#passSets(activeMask, chosen, dietsWanted, bucketsWanted, filter.maxTotalMinutes, bits.words);
        return this.#searchByBits(candidates, ranking, plan, order, sets, limit, offset);
      }
    }
    /**
     * With one filter, the counts of its own facet are of every candidate (every one passes the
     * other filters): the totals when browsing, a common word's tally; the pass then visits only
     * the candidates that pass the filter (`picked`: their indexes among the candidates).
     */
    let ownFacet = -1;
    let ownCounts: Int32Array | null = null;
    let picked: Uint32Array | null = null;
    const single = 31 - Math.clz32(activeMask);
    const oneListed =
      activeMask !== 0 &&
      (activeMask & (activeMask - 1)) === 0 &&
      activeMask !== dietBit &&
      (single !== timeFacet || bucketsWanted);
    if (tally && onlyTallied && oneListed) {
      ownFacet = single;
      ownCounts = tally.counts;
      picked = intersectPositions(this.#valueList(chosen[single]!, 0), candidates!);
    }
    if (!text) {
      // browsing with filters: only a document that passes all filters but one counts for
      // anything, and such a document has the values of at least one of any two filters
      const lists: Uint32Array[] = [];
      let listless = 0;
      for (let i = 0; i < facetNames.length; i++) {
        if ((activeMask & (1 << i)) === 0) continue;
        if (i === timeFacet && !bucketsWanted) listless++;
        else lists.push(this.#valueList(chosen[i]!, i === diet ? dietsWanted : 0));
      }
      lists.sort((a, b) => a.length - b.length);
      if (lists.length === 1 && listless === 0) {
        candidates = lists[0]!;
        // (diets are not disjunctive: their counts are of the documents that have them all)
        if (oneListed) {
          ownFacet = single;
          ownCounts = this.#codeCount;
        }
      } else if (lists.length >= 2) {
        // into a buffer kept for this: the union lives only as long as this search
        if (this.#unionScratch.length < lists[0]!.length + lists[1]!.length)
          this.#unionScratch = new Uint32Array((lists[0]!.length + lists[1]!.length) * 2);
        candidates = union(lists[0]!, lists[1]!, this.#unionScratch);
      }
    }

    // --- one pass: filters, counts, total, top k
    const k = limit + offset;
    /**
     * A common word alone under filters, by relevance: the pass marks what passes them and
     * counts, the page comes off the word's relevance order (no rank nor heap per match).
     */
    const passed =
      (tally && onlyTallied && order === 'relevance' && ranking?.kind === 'posting' && k > 0 && this.#walk) || plan
        ? new Uint32Array((this.#ids.length >>> 5) + 1)
        : null;
    const heap = new TopK(k, order, this.#ids, this.#rating.data, this.#published.data, this.#minutes.data);
    const counts = new Int32Array(this.#codeKey.length);
    const countFacets = facets && !(activeMask === 0 && !text);
    // a common word without filters: its counts are its tally's, plus those of the candidates
    // without it (another lexeme of the same term: a prefix's other words, a synonym)
    const tallied = countFacets && activeMask === 0 && tally !== null;
    const countRest = tallied && !onlyTallied;
    let cursor = 0;
    const alive = this.#alive.data;
    const start = this.#facetStart.data;
    const codes = this.#facetCodes.data;
    const codeFacet = this.#codeFacet;
    const minutes = this.#minutes.data;
    const kind = order === 'relevance' && ranking ? ranking.kind : 'none';
    const postingWeights = ranking?.kind === 'posting' ? ranking.weights : null;
    const sums = ranking?.kind === 'sum' ? ranking.sums : null;
    const rankOf = ranking?.kind === 'fn' ? ranking.rank : null;
    const operands = ranking?.operands ?? 1;
    let total = 0;
    const n = picked ? picked.length : candidates ? candidates.length : this.#ids.length;
    // The filters as one bitset per active facet, when building them costs less than reading
    // every candidate's codes: a bit test per active facet instead.
    const bitFacets: number[] = [];
    const bitSets: Uint32Array[] = [];
    let useBits = false;
    if (activeMask !== 0) {
      const words = (this.#ids.length >>> 5) + 1;
      let chosenCount = 0;
      for (let i = 0; i < facetNames.length; i++) if ((activeMask & (1 << i)) !== 0) chosenCount += chosen[i]!.length;
      if (words * chosenCount < n * 2) {
        useBits = true;
        for (let i = 0; i < facetNames.length; i++) {
          if ((activeMask & (1 << i)) === 0 || (i === timeFacet && !bucketsWanted)) continue;
          bitFacets.push(1 << i);
          bitSets.push(this.#filterBits(chosen[i]!, i === diet ? dietsWanted : 0, words));
        }
      }
    }
    const timeMax = (activeMask & timeBit) !== 0 && filter.maxTotalMinutes !== null;
    for (let j = 0; j < n; j++) {
      const c = picked ? picked[j]! : j;
      const ord = candidates ? candidates[c]! : c;
      if (alive[ord] === 0) continue;
      let fail = 0;
      const from = start[ord]!;
      const to = start[ord + 1]!;
      if (useBits) {
        const word = ord >>> 5;
        const bit = 1 << (ord & 31);
        for (let a = 0; a < bitSets.length; a++) if ((bitSets[a]![word]! & bit) === 0) fail |= bitFacets[a]!;
        if (timeMax && minutes[ord]! > maxMinutes) fail |= timeBit;
      } else if (activeMask !== 0) {
        // which active facets have a selected value here (diets: how many of them)
        let hit = 0;
        let diets = 0;
        for (let i = from; i < to; i++) {
          const bit = selected[codes[i]!]!;
          if (bit !== 0) {
            hit |= bit;
            if (bit === dietBit) diets++;
          }
        }
        fail = activeMask & ~hit;
        if ((activeMask & dietBit) !== 0) fail = diets === dietsWanted ? fail & ~dietBit : fail | dietBit;
        if ((activeMask & timeBit) !== 0)
          fail = (!bucketsWanted || (hit & timeBit) !== 0) && minutes[ord]! <= maxMinutes ? fail & ~timeBit : fail | timeBit;
      }
      if (countRest) {
        const ords = talliedOrds!;
        while (cursor < ords.length && ords[cursor]! < ord) cursor++;
        if (cursor >= ords.length || ords[cursor] !== ord) for (let i = from; i < to; i++) counts[codes[i]!]!++;
      } else if (countFacets && !tallied) {
        if (fail === 0) {
          for (let i = from; i < to; i++) counts[codes[i]!]!++;
        } else if ((fail & (fail - 1)) === 0 && fail !== 1 << diet) {
          // exactly one facet's filter fails: that facet's values still count (disjunctive facets)
          const only = 31 - Math.clz32(fail);
          for (let i = from; i < to; i++) if (codeFacet[codes[i]!] === only) counts[codes[i]!]!++;
        }
      }
      if (fail !== 0) continue;
      total++;
      if (k === 0) continue;
      if (passed) {
        passed[ord >>> 5]! |= 1 << (ord & 31);
        continue;
      }
      const rank =
        kind === 'none'
          ? 0
          : postingWeights
            ? orRank(addOr(0, postingWeights[c]!), operands)
            : sums
              ? orRank(sums[ord]!, operands)
              : rankOf!(ord);
      heap.offer(ord, rank);
    }
    this.#clearSums(ranking, candidates);
    if (countFacets && ownCounts)
      for (let code = 0; code < this.#codeKey.length; code++)
        if (codeFacet[code] === ownFacet) counts[code] = ownCounts[code] ?? 0;
    if (tallied) {
      const add = tally!.counts;
      for (let code = 0; code < counts.length && code < add.length; code++) counts[code]! += add[code]!;
    }

    let page: number[];
    const has = (ord: number) => ((passed![ord >>> 5]! >>> (ord & 31)) & 1) === 1;
    if (plan && ranking?.kind === 'sum')
      page = (total <= 4 * k ? this.#sumFew(ranking, plan, candidates!, k, has) : this.#sumPage(plan, k, has)).slice(offset);
    else if (passed && total <= 4 * k) {
      // few pass the filters: the walk would visit most of the word's documents to find them,
      // ranking those few costs less
      for (let c = 0; c < candidates!.length; c++) {
        const ord = candidates![c]!;
        if (((passed[ord >>> 5]! >>> (ord & 31)) & 1) === 1) heap.offer(ord, orRank(addOr(0, postingWeights![c]!), operands));
      }
      page = heap.sorted().slice(offset);
    } else if (passed) {
      const p = this.#lexemes.postings[lexemeId]!;
      page = [];
      this.#impactWalk(lexemeId, operands, (c) => {
        const ord = p.ords[c]!;
        if (((passed[ord >>> 5]! >>> (ord & 31)) & 1) === 1) page.push(ord);
        return page.length < k;
      });
      page = page.slice(offset);
    } else page = heap.sorted().slice(offset);
    return {
      ids: page.map((ord) => this.#ids[ord]!),
      total,
      facets: countFacets ? this.#facetMap(counts) : this.#totals(facets),
    };
  }

  /**
   * Whether disjunctive counts from bitsets cost less than the pass over every candidate. The
   * pass reads each candidate's facet codes (a broad word or a browse with filters: hundreds of
   * thousands at 1M documents); the bitsets cost a few passes over a bit per document, then per
   * facet value the smaller of its documents and its bitset.
   */
  #bitsPay(
    candidates: Uint32Array | null,
    activeMask: number,
    chosen: number[][],
    dietsWanted: number,
  ): { words: number } | null {
    const words = (this.#ids.length >>> 5) + 1;
    if (this.#counting !== 'auto') return this.#counting === 'bits' ? { words } : null;
    let n: number;
    if (candidates) n = candidates.length;
    else {
      // browsing with filters: the pass visits the union of the two shortest lists of values
      const sizes: number[] = [];
      for (let i = 0; i < facetNames.length; i++) {
        if ((activeMask & (1 << i)) === 0 || chosen[i]!.length === 0) continue;
        const lengths = chosen[i]!.map((code) => this.#valuePostings[code]!.length);
        sizes.push(i === diet && dietsWanted > 0 ? Math.min(...lengths) : lengths.reduce((a, b) => a + b, 0));
      }
      sizes.sort((a, b) => a - b);
      n = sizes.length === 0 ? this.#ids.length : sizes.length === 1 ? sizes[0]! : sizes[0]! + sizes[1]!;
    }
    const perCandidate = n * (2 + this.#facetCodes.length / Math.max(this.#ids.length, 1));
    const active = popcount(activeMask);
    let cost = words * (active + 2) * (active + 1) + (candidates ? n : 0);
    for (let code = 0; code < this.#codeKey.length; code++)
      if (this.#codeCount[code]! > 0) cost += Math.min(this.#valuePostings[code]!.length, words * bitWordCost);
    return cost * (candidates ? bitsAdvantage.text : bitsAdvantage.browsing) < perCandidate ? { words } : null;
  }

  /** Per active facet, the documents that pass its filter, as bits. */
  #passSets(
    activeMask: number,
    chosen: number[][],
    dietsWanted: number,
    bucketsWanted: boolean,
    maxMinutes: number | null,
    words: number,
  ): { facets: number[]; passes: Uint32Array[]; words: number } {
    const facets: number[] = [];
    const passes: Uint32Array[] = [];
    for (let i = 0; i < facetNames.length; i++) {
      if ((activeMask & (1 << i)) === 0) continue;
      let pass: Uint32Array | null = null;
      if (i !== timeFacet || bucketsWanted) pass = this.#filterBits(chosen[i]!, i === diet ? dietsWanted : 0, words);
      if (i === timeFacet && maxMinutes !== null) {
        const within = new Uint32Array(words);
        const minutes = this.#minutes.data;
        for (let ord = 0; ord < this.#ids.length; ord++) if (minutes[ord]! <= maxMinutes) within[ord >>> 5]! |= 1 << (ord & 31);
        if (pass) andInto(pass, within);
        else pass = within;
      }
      facets.push(i);
      passes.push(pass!);
    }
    return { facets, passes, words };
  }

  /**
   * The search's pass with its counts from bitsets: the candidates (alive) as bits, those that
   * pass every filter, and per filtered facet those that pass every other filter (disjunctive
   * facets: a value of a filtered facet counts the documents the other filters let through;
   * diets are not disjunctive). A value's count is its documents among them.
   */
  #searchByBits(
    candidates: Uint32Array | null,
    ranking: Ranking | null,
    plan: SumPlan | null,
    order: IndexSort,
    sets: { facets: number[]; passes: Uint32Array[]; words: number },
    limit: number,
    offset: number,
  ): IndexResult {
    const words = sets.words;
    const aliveBits = this.#aliveBits;
    const base = new Uint32Array(words);
    if (candidates) {
      for (let c = 0; c < candidates.length; c++) base[candidates[c]! >>> 5]! |= 1 << (candidates[c]! & 31);
      andInto(base, aliveBits);
    } else base.set(aliveBits.subarray(0, words));
    const all = base.slice();
    for (const pass of sets.passes) andInto(all, pass);
    /** facet index → the candidates that pass every other filter */
    const others = new Map<number, Uint32Array>();
    sets.facets.forEach((f, j) => {
      if (f === diet) return;
      const x = base.slice();
      sets.passes.forEach((pass, k) => {
        if (k !== j) andInto(x, pass);
      });
      others.set(f, x);
    });
    const counts = new Int32Array(this.#codeKey.length);
    for (let code = 0; code < this.#codeKey.length; code++) {
      if (this.#codeCount[code]! <= 0) continue;
      const target = others.get(this.#codeFacet[code]!) ?? all;
      const p = this.#valuePostings[code]!;
      let n = 0;
      if (p.length < words * bitWordCost) {
        const ords = p.ords;
        for (let j = 0; j < p.length; j++) n += (target[ords[j]! >>> 5]! >>> (ords[j]! & 31)) & 1;
      } else {
        const bits = this.#bitsOf(code, words);
        const m = Math.min(words, bits.length);
        for (let w = 0; w < m; w++) {
          const x = target[w]! & bits[w]!;
          if (x !== 0) n += popcount(x);
        }
      }
      counts[code] = n;
    }
    const total = countBits(all);
    const has = (ord: number) => ((all[ord >>> 5]! >>> (ord & 31)) & 1) === 1;

    // --- the page
    const k = limit + offset;
    let page: number[];
    if (k === 0) page = [];
    else if (order !== 'relevance' && (k * this.#live) / Math.max(total, 1) < total + words) {
      // the sort's order, walked until the page is full: about k × documents ÷ total steps
      page = [];
      this.#ordered(order, (ord) => {
        if (has(ord)) page.push(ord);
        return page.length < k;
      });
    } else if (plan && ranking?.kind === 'sum')
      page = total <= 4 * k ? this.#sumFew(ranking, plan, candidates!, k, has) : this.#sumPage(plan, k, has);
    else {
      const heap = new TopK(k, order, this.#ids, this.#rating.data, this.#published.data, this.#minutes.data);
      const operands = ranking?.operands ?? 1;
      if (candidates) {
        const postingWeights = ranking?.kind === 'posting' ? ranking.weights : null;
        const sums = ranking?.kind === 'sum' ? ranking.sums : null;
        const rankOf = ranking?.kind === 'fn' ? ranking.rank : null;
        const relevance = order === 'relevance' && ranking !== null;
        for (let c = 0; c < candidates.length; c++) {
          const ord = candidates[c]!;
          if (!has(ord)) continue;
          const rank = !relevance
            ? 0
            : postingWeights
              ? orRank(addOr(0, postingWeights[c]!), operands)
              : sums
                ? orRank(sums[ord]!, operands)
                : rankOf!(ord);
          heap.offer(ord, rank);
        }
      } else
        for (let w = 0; w < words; w++) {
          let x = all[w]!;
          while (x !== 0) {
            const bit = x & -x;
            heap.offer((w << 5) | (31 - Math.clz32(bit)), 0);
            x ^= bit;
          }
        }
      page = heap.sorted();
    }
    this.#clearSums(ranking, candidates);
    return { ids: page.slice(offset).map((ord) => this.#ids[ord]!), total, facets: this.#facetMap(counts) };
  }

  /** A bit per ordinal with any of these facet values (`all`: with all of them), `words` long. */
  #filterBits(codes: readonly number[], all: number, words: number): Uint32Array {
    const out = new Uint32Array(words);
    if (all > 0 && codes.length < all) return out;
    codes.forEach((code, i) => {
      const bits = this.#bitsOf(code, words);
      const m = Math.min(words, bits.length);
      if (all > 0 && i > 0) {
        for (let w = 0; w < m; w++) out[w]! &= bits[w]!;
        out.fill(0, m);
      } else for (let w = 0; w < m; w++) out[w]! |= bits[w]!;
    });
    return out;
  }

  /**
   * Calls `visit` with a lexeme's posting indexes in relevance order (its rank for this many
   * operands, then rating and recipe id, descending: the SQL's order), alive documents only,
   * until it returns false.
   */
  #impactWalk(lexeme: number, operands: number, visit: (c: number) => boolean): void {
    const next = this.#impactCursor(lexeme, (w) => orRank(addOr(0, w), operands));
    for (let c = next(); c >= 0; c = next()) if (!visit(c)) return;
  }

  /**
   * A lexeme's posting indexes of alive documents, one per call (-1 at the end), in the order
   * of `rankOfWeight` (a rank from the posting's weight, non-decreasing in it), then rating and
   * recipe id, descending.
   *
   * The kept order is by weight, rating and id (sorted the first time a walk asks for it,
   * postings added since sorted apart and merged in the walk, all again past 4,096 of them), in
   * runs of one weight each: one order serves every rank a walk may need (a word alone, the same
   * word as one of a prefix's completions among other operands). A non-decreasing rank keeps the
   * runs' order, but may give neighbouring weights the same rank (float4 rounding: 0.5 and
   * 0.49999997 do): such runs are merged by rating and id as the walk goes.
   */
  #impactCursor(lexeme: number, rankOfWeight: (w: number) => number): () => number {
    const p = this.#lexemes.postings[lexeme]!;
    let impact = this.#impacts.get(lexeme);
    if (!impact || p.length - impact.upTo > 4096) {
      const order = this.#byWeight(p, 0, p.length);
      impact = { upTo: p.length, order, runs: runsOf(p.weights, order) };
      this.#impacts.set(lexeme, impact);
    }
    const main = impact.order;
    const recent = impact.upTo < p.length ? this.#byWeight(p, impact.upTo, p.length) : new Uint32Array(0);
    // every run of one weight, main's and recent's, grouped by rank (descending)
    type Run = { list: Uint32Array; at: number; end: number };
    const groups: Run[][] = [];
    const mainRuns = impact.runs;
    const recentRuns = runsOf(p.weights, recent);
    let a = 0;
    let b = 0;
    let groupRank = Number.NaN;
    while (a < mainRuns.weights.length || b < recentRuns.weights.length) {
      const fromMain =
        b >= recentRuns.weights.length || (a < mainRuns.weights.length && mainRuns.weights[a]! >= recentRuns.weights[b]!);
      const w = fromMain ? mainRuns.weights[a]! : recentRuns.weights[b]!;
      const run = fromMain
        ? { list: main, at: mainRuns.starts[a]!, end: mainRuns.starts[++a]! }
        : { list: recent, at: recentRuns.starts[b]!, end: recentRuns.starts[++b]! };
      const rank = rankOfWeight(w);
      if (rank === groupRank) groups.at(-1)!.push(run);
      else groups.push([run]);
      groupRank = rank;
    }
    const ords = p.ords;
    const ids = this.#ids;
    const rating = this.#rating.data;
    const alive = this.#alive.data;
    let g = 0;
    return () => {
      while (g < groups.length) {
        const runs = groups[g]!;
        let best: Run | null = null;
        for (const run of runs) {
          if (run.at >= run.end) continue;
          if (!best) best = run;
          else {
            const x = ords[run.list[run.at]!]!;
            const y = ords[best.list[best.at]!]!;
            if (rating[x] !== rating[y] ? rating[x]! > rating[y]! : ids[x]! > ids[y]!) best = run;
          }
        }
        if (!best) {
          g++;
          continue;
        }
        const c = best.list[best.at++]!;
        if (alive[ords[c]!] === 1) return c;
      }
      return -1;
    };
  }

  /** Posting indexes [from, to) by weight, rating and recipe id, descending. */
  #byWeight(p: Postings, from: number, to: number): Uint32Array {
    const w = p.weights;
    const ords = p.ords;
    const ids = this.#ids;
    const rating = this.#rating.data;
    const out = new Uint32Array(to - from);
    for (let c = from; c < to; c++) out[c - from] = c;
    return out.sort((a, b) => {
      if (w[a] !== w[b]) return w[a]! > w[b]! ? -1 : 1;
      const x = ords[a]!;
      const y = ords[b]!;
      return rating[x] !== rating[y] ? (rating[x]! > rating[y]! ? -1 : 1) : ids[x]! > ids[y]! ? -1 : 1;
    });
  }

  /** The bitset of a facet value (dead ordinals included), built the first time it is asked for. */
  #bitsOf(code: number, words: number): Uint32Array {
    let bits = this.#valueBits[code];
    if (!bits) {
      bits = new Uint32Array(words);
      const p = this.#valuePostings[code]!;
      for (let j = 0; j < p.length; j++) bits = setBit(bits, p.ords[j]!);
      this.#valueBits[code] = bits;
    }
    return bits;
  }

  /** The facet counts of a lexeme's alive documents, when it has enough of them to be worth keeping. */
  #tallyOf(lexeme: number): Tally | null {
    const have = this.#tallies.get(lexeme);
    if (have) return have;
    const p = this.#lexemes.postings[lexeme]!;
    if (p.length < Math.max(tallyAbove, this.#live / 100)) return null;
    const tally = new Tally();
    const alive = this.#alive.data;
    const start = this.#facetStart.data;
    const codes = this.#facetCodes.data;
    for (let j = 0; j < p.length; j++) {
      const ord = p.ords[j]!;
      if (alive[ord] === 1) tally.add(codes, start[ord]!, start[ord + 1]!, 1);
    }
    if (this.#tallied.length <= lexeme) {
      const flags = new Uint8Array(Math.max(lexeme + 1, this.#tallied.length * 2));
      flags.set(this.#tallied);
      this.#tallied = flags;
    }
    this.#tallied[lexeme] = 1;
    this.#tallies.set(lexeme, tally);
    return tally;
  }

  /** The documents with any of these facet values (`all`: with `all` of them), ascending, dead ones included. */
  #valueList(codes: readonly number[], all: number): Uint32Array {
    if (all > 0 && codes.length < all) return new Uint32Array(0);
    const lists = codes.map((code) => this.#valuePostings[code]!).map((p) => p.ords.subarray(0, p.length));
    if (lists.length === 0) return new Uint32Array(0);
    lists.sort((a, b) => a.length - b.length);
    let out: Uint32Array = lists[0]!;
    for (let i = 1; i < lists.length; i++) out = all > 0 ? intersect(out, lists[i]!) : union(out, lists[i]!);
    return out;
  }

  #totals(facets: boolean): Map<string, Map<string, number>> {
    return facets ? this.#facetMap(this.#codeCount) : new Map();
  }

  #facetMap(source: Int32Array): Map<string, Map<string, number>> {
    const facetMap = new Map<string, Map<string, number>>();
    for (let code = 0; code < this.#codeKey.length; code++) {
      const count = source[code]!;
      if (count <= 0) continue;
      const key = this.#codeKey[code]!;
      const split = key.indexOf(':');
      const facet = key.slice(0, split);
      if (!facetMap.has(facet)) facetMap.set(facet, new Map());
      facetMap.get(facet)!.set(key.slice(split + 1), count);
    }
    return facetMap;
  }

  /** Calls `visit` with the alive documents in the sort's order until it returns false. */
  #ordered(sort: 'newest' | 'top_rated' | 'quickest', visit: (ord: number) => boolean): void {
    const order = this.#orders[sort];
    if (!order.built) {
      const alive: number[] = [];
      for (let ord = 0; ord < this.#ids.length; ord++) if (this.#alive.data[ord] === 1) alive.push(ord);
      order.build(alive);
    }
    order.walk(this.#alive.data, visit);
  }

  /** `a` comes before `b` in the sort (ties broken by recipe id, as the SQL does). */
  #better(order: IndexSort): (a: number, ra: number, b: number, rb: number) => boolean {
    const ids = this.#ids;
    const rating = this.#rating.data;
    const published = this.#published.data;
    const minutes = this.#minutes.data;
    switch (order) {
      case 'relevance':
        return (a, ra, b, rb) => (ra !== rb ? ra > rb : rating[a] !== rating[b] ? rating[a]! > rating[b]! : ids[a]! > ids[b]!);
      case 'newest':
        return (a, _ra, b) => (published[a] !== published[b] ? published[a]! > published[b]! : ids[a]! > ids[b]!);
      case 'top_rated':
        return (a, _ra, b) => (rating[a] !== rating[b] ? rating[a]! > rating[b]! : ids[a]! > ids[b]!);
      case 'quickest':
        return (a, _ra, b) => (minutes[a] !== minutes[b] ? minutes[a]! < minutes[b]! : ids[a]! < ids[b]!);
    }
  }

  /** Candidates of a text (sorted ordinals, dead ones included) and, for `relevance`, how to rank them. */
  #compile(
    text: CompiledText,
    relevance: boolean,
  ): { candidates: Uint32Array; ranking: Ranking | null; lexeme: number; only: boolean } | null {
    const lex = this.#lexemes;
    const lists: Uint32Array[] = [];
    let onlyLexeme = -1;
    let largest = -1;
    /** one term: its lexemes */
    let termIds: number[] = [];
    for (const term of text.terms) {
      const ids = new Set<number>();
      for (const e of term.exact) {
        const id = lex.ids.get(e);
        if (id !== undefined) ids.add(id);
      }
      for (const p of term.prefixes) for (const id of lex.withPrefix(p)) ids.add(id);
      const parts = [...ids].map((id) => lex.postings[id]!).map((p) => p.ords.subarray(0, p.length));
      if (parts.length === 0) return null;
      if (text.terms.length === 1) {
        termIds = [...ids];
        if (ids.size === 1) onlyLexeme = [...ids][0]!;
        for (const id of ids) if (largest < 0 || lex.postings[id]!.length > lex.postings[largest]!.length) largest = id;
      }
      lists.push(unionAll(parts));
    }
    lists.sort((a, b) => a.length - b.length);
    let candidates: Uint32Array = lists[0]!;
    for (let i = 1; i < lists.length && candidates.length > 0; i++) candidates = intersect(candidates, lists[i]!);
    // one term: its commonest lexeme, and whether the candidates are its postings
    const lexeme = largest;
    const only = onlyLexeme >= 0;
    if (!relevance) return { candidates, ranking: null, lexeme, only };

    // ts_rank: for each unique operand, its lexemes in the order a tsvector keeps them
    const entryOperand: number[] = [];
    const entryPostings: Postings[] = [];
    const entryIds: number[] = [];
    text.operands.forEach((op, i) => {
      const ids = op.prefix ? lex.withPrefix(op.lexeme) : [lex.ids.get(op.lexeme)].filter((id) => id !== undefined);
      for (const id of ids) {
        entryOperand.push(i);
        entryPostings.push(lex.postings[id]!);
        entryIds.push(id);
      }
    });
    const operands = text.operands.length;
    if (entryPostings.length === 1 && entryPostings[0] === lex.postings[onlyLexeme]) {
      // one lexeme matched: the candidates are its postings, so a candidate's index is its posting's
      return { candidates, ranking: { kind: 'posting', weights: entryPostings[0]!.weights, operands }, lexeme, only };
    }
    if (!text.and) {
      // one term of several lexemes (a prefix, synonyms): calc_rank_or's sum (see #fillSums,
      // or a walk of the broad lexemes' relevance orders: #sumPlan)
      return {
        candidates,
        ranking: { kind: 'sum', sums: this.#sums(), filled: false, operands, entries: entryIds, lexemes: termIds },
        lexeme,
        only,
      };
    }
    reserveOperands(operands);
    const cursors = new Int32Array(entryPostings.length);
    const operandOf: number[] = [];
    const refs: number[] = [];
    const weights = new Float64Array(entryPostings.length);
    const store = this.#positions.data;
    const rank = (ord: number): number => {
      let count = 0;
      for (let e = 0; e < entryPostings.length; e++) {
        const p = entryPostings[e]!;
        const at = seek(p.ords, p.length, cursors[e]!, ord);
        cursors[e] = at;
        if (at < p.length && p.ords[at] === ord) {
          operandOf[count] = entryOperand[e]!;
          weights[count] = p.weights[at]!;
          refs[count++] = p.refs[at]!;
        }
      }
      return rankAnd(store, operandOf, refs, weights, count, operands);
    };
    return { candidates, ranking: { kind: 'fn', rank, operands }, lexeme, only };
  }

  /**
   * The hits of these ids (null: no longer in the index), with their title and summary marked
   * where the words of `text` matched, as ts_headline marks them: a word is marked when one of
   * the query's lexemes is at its position in the document (title: weight A; summary: weight D,
   * after the highest position before it).
   */
  hits(ids: readonly string[], text: CompiledText | null): Array<StoredHit | null> {
    const lexemes: Postings[] = [];
    if (text) {
      const seen = new Set<number>();
      for (const term of text.terms) {
        for (const e of term.exact) {
          const id = this.#lexemes.ids.get(e);
          if (id !== undefined) seen.add(id);
        }
        for (const p of term.prefixes) for (const id of this.#lexemes.withPrefix(p)) seen.add(id);
      }
      for (const id of seen) lexemes.push(this.#lexemes.postings[id]!);
    }
    const store = this.#positions.data;
    return ids.map((id) => {
      const ord = this.#ordOf.get(id);
      if (ord === undefined) return null;
      const [slug, title, summary, coverId, placeholder] = this.#texts[ord]!.split('\u001f') as [
        string,
        string,
        string,
        string,
        string,
      ];
      const n = this.#cardNumbers.data.subarray(ord * cardFields, (ord + 1) * cardFields);
      const facetValues: string[] = [];
      for (let i = this.#facetStart.data[ord]!; i < this.#facetStart.data[ord + 1]!; i++)
        facetValues.push(this.#codeKey[this.#facetCodes.data[i]!]!);
      // the query's lexemes' positions in this document, with their weights
      const matched = new Set<number>();
      for (const p of lexemes) {
        const at = seek(p.ords, p.length, 0, ord);
        if (at >= p.length || p.ords[at] !== ord) continue;
        const ref = p.refs[at]!;
        if (ref >= inlinePosition) matched.add(ref - inlinePosition);
        else for (let i = 1; i <= store[ref]!; i++) matched.add(store[ref + i]!);
      }
      const offset = this.#summaryOffset.data[ord]!;
      const titleWords = text ? wordsOf(title) : [];
      const summaryWords = text ? wordsOf(summary) : [];
      const sure =
        offset !== unsureOffset &&
        titleWords !== null &&
        summaryWords !== null &&
        titleWords.length <= lastPosition &&
        offset + summaryWords.length <= lastPosition;
      return {
        id,
        slug,
        title,
        summary,
        servings: n[0]!,
        prepMinutes: n[1]!,
        cookMinutes: n[2]!,
        ratingCount: n[3]!,
        ratingSum: n[4]!,
        cover: coverId ? { id: coverId, width: n[5]!, height: n[6]!, placeholder: placeholder || null } : null,
        totalMinutes: this.#minutes.data[ord]!,
        publishedAt: this.#published.data[ord]!,
        facetValues,
        highlighted: !text
          ? { title: headline(title, [], 0, () => false), summary: headline(summary, [], 0, () => false) }
          : sure
            ? {
                title: headline(title, titleWords, 0, (pos) => matched.has(weightA | pos)),
                summary: headline(summary, summaryWords, offset, (pos) => matched.has(pos)),
              }
            : null,
      };
    });
  }

  /** calc_rank_or's sums of a term's candidates, added up posting list by posting list in operand order (each document's sum in the same order as its own). */
  #fillSums(ranking: Extract<Ranking, { kind: 'sum' }>): void {
    if (ranking.filled) return;
    const sums = ranking.sums;
    for (const id of ranking.entries) {
      const p = this.#lexemes.postings[id]!;
      const ords = p.ords;
      const weights = p.weights;
      for (let j = 0; j < p.length; j++) sums[ords[j]!] = addOr(sums[ords[j]!]!, weights[j]!);
    }
    ranking.filled = true;
  }

  /** Zeroes the sums a search filled (over its candidates: every entry's documents). */
  #clearSums(ranking: Ranking | null, candidates: Uint32Array | null): void {
    if (ranking?.kind !== 'sum' || !ranking.filled) return;
    for (let c = 0; c < candidates!.length; c++) ranking.sums[candidates![c]!] = 0;
    ranking.filled = false;
  }

  /**
   * A term of several lexemes (a prefix and its completions, synonyms) by relevance without a
   * sum per match: a document with one broad lexeme of the term and none of the others ranks by
   * that posting's weight alone, so those documents come in relevance order off each broad
   * lexeme's kept order (#impactCursor). The others — the documents of the term's narrow
   * lexemes and those with two broad ones — are few and summed exactly (`explicit`). Null
   * without a broad lexeme or with more than `maxBroad`, when the narrow lexemes' postings
   * outnumber the broad ones', or with an operand's lexeme outside the term (its documents
   * would add to the sum of some that are not candidates).
   */
  #sumPlan(ranking: Extract<Ranking, { kind: 'sum' }>): SumPlan | null {
    const postings = this.#lexemes.postings;
    const repeats = new Map<number, number>();
    for (const id of ranking.entries) repeats.set(id, (repeats.get(id) ?? 0) + 1);
    if ([...repeats.keys()].some((id) => !ranking.lexemes.includes(id))) return null;
    // broad: a lexeme an operand ranks, with a tally (kept from this many documents on)
    const above = Math.max(tallyAbove, this.#live / 100);
    const wide = ranking.lexemes.filter((id) => (repeats.get(id) ?? 0) > 0 && postings[id]!.length >= above);
    // (many broad lexemes — `c` being typed — would cost an intersection per pair)
    if (wide.length === 0 || wide.length > maxBroad) return null;
    let narrowPostings = 0;
    for (const id of ranking.lexemes) if (!wide.includes(id)) narrowPostings += postings[id]!.length;
    // the explicit documents are summed one by one: worth it only when they are the fewer
    if (narrowPostings > wide.reduce((n, id) => n + postings[id]!.length, 0)) return null;
    const broad: SumPlan['broad'] = [];
    const narrow: Uint32Array[] = [];
    for (const id of ranking.lexemes) {
      const times = repeats.get(id) ?? 0;
      const tally = wide.includes(id) ? this.#tallyOf(id) : null;
      const p = postings[id]!;
      if (!tally) {
        narrow.push(p.ords.subarray(0, p.length));
        continue;
      }
      // a document with this lexeme alone: its weight added once per operand that matches it
      const rank = (w: number) => {
        let res = 0;
        for (let t = 0; t < times; t++) res = addOr(res, w);
        return orRank(res, ranking.operands);
      };
      broad.push({ lexeme: id, tally, rank });
    }
    if (broad.length === 0) return null;
    const parts = [...narrow];
    for (let a = 0; a < broad.length; a++)
      for (let b = a + 1; b < broad.length; b++) {
        const x = postings[broad[a]!.lexeme]!;
        const y = postings[broad[b]!.lexeme]!;
        const [small, big] = x.length <= y.length ? [x, y] : [y, x];
        parts.push(intersect(small.ords.subarray(0, small.length), big.ords.subarray(0, big.length)));
      }
    const explicit = parts.length === 0 ? new Uint32Array(0) : unionAll(parts);
    const { ranks, broadCount } = this.#exactSums(ranking, explicit, broad);
    const bits = new Uint32Array((this.#ids.length >>> 5) + 1);
    for (let i = 0; i < explicit.length; i++) bits[explicit[i]! >>> 5]! |= 1 << (explicit[i]! & 31);
    return { broad, explicit, ranks, broadCount, bits };
  }

  /**
   * The rank of each of `ords` (ascending) for a term of several lexemes, as #fillSums and
   * orRank make it, by a cursor per lexeme; and how many of `broad` each has.
   */
  #exactSums(
    ranking: Extract<Ranking, { kind: 'sum' }>,
    ords: Uint32Array,
    broad: SumPlan['broad'],
  ): { ranks: Float64Array; broadCount: Uint8Array } {
    const postings = this.#lexemes.postings;
    const lexemes = [...new Set(ranking.entries)];
    const slot = new Map(lexemes.map((id, i) => [id, i]));
    const entrySlots = ranking.entries.map((id) => slot.get(id)!);
    const isBroad = lexemes.map((id) => broad.some((b) => b.lexeme === id));
    const cursors = new Int32Array(lexemes.length);
    const weights = new Float64Array(lexemes.length);
    const found = new Uint8Array(lexemes.length);
    const ranks = new Float64Array(ords.length);
    const broadCount = new Uint8Array(ords.length);
    for (let i = 0; i < ords.length; i++) {
      const ord = ords[i]!;
      let count = 0;
      for (let l = 0; l < lexemes.length; l++) {
        const p = postings[lexemes[l]!]!;
        const at = seek(p.ords, p.length, cursors[l]!, ord);
        cursors[l] = at;
        found[l] = at < p.length && p.ords[at] === ord ? 1 : 0;
        if (found[l] === 1) {
          weights[l] = p.weights[at]!;
          if (isBroad[l]) count++;
        }
      }
      let res = 0;
      for (const l of entrySlots) if (found[l] === 1) res = addOr(res, weights[l]!);
      ranks[i] = orRank(res, ranking.operands);
      broadCount[i] = count;
    }
    return { ranks, broadCount };
  }

  /**
   * A term of several lexemes, no filter: total and counts from the broad lexemes' tallies, less
   * what the explicit documents with several of them counted twice, plus those with none of
   * them; the page off #sumPage. No pass over the matches.
   */
  #sumSearch(plan: SumPlan, limit: number, offset: number, facets: boolean): IndexResult {
    const counts = new Int32Array(this.#codeKey.length);
    let total = 0;
    for (const b of plan.broad) {
      total += b.tally.docs;
      const add = b.tally.counts;
      for (let code = 0; code < counts.length && code < add.length; code++) counts[code]! += add[code]!;
    }
    const alive = this.#alive.data;
    const start = this.#facetStart.data;
    const codes = this.#facetCodes.data;
    for (let i = 0; i < plan.explicit.length; i++) {
      const ord = plan.explicit[i]!;
      if (alive[ord] === 0) continue;
      const by = 1 - plan.broadCount[i]!;
      if (by === 0) continue;
      total += by;
      if (facets) for (let j = start[ord]!; j < start[ord + 1]!; j++) counts[codes[j]!]! += by;
    }
    const page = this.#sumPage(plan, limit + offset, () => true);
    return {
      ids: page.slice(offset).map((ord) => this.#ids[ord]!),
      total,
      facets: facets ? this.#facetMap(counts) : new Map(),
    };
  }

  /**
   * The first `k` documents in relevance order that `accept` lets through: each broad lexeme's
   * kept order (its documents without another of the term's lexemes) merged with the explicit
   * documents' best k.
   */
  #sumPage(plan: SumPlan, k: number, accept: (ord: number) => boolean): number[] {
    const alive = this.#alive.data;
    const heap = new TopK(k, 'relevance', this.#ids, this.#rating.data, this.#published.data, this.#minutes.data);
    for (let i = 0; i < plan.explicit.length; i++) {
      const ord = plan.explicit[i]!;
      if (alive[ord] === 1 && accept(ord)) heap.offer(ord, plan.ranks[i]!);
    }
    const best = heap.sorted();
    const bestRanks = best.map((ord) => plan.ranks[seek(plan.explicit, plan.explicit.length, 0, ord)]!);
    const postings = this.#lexemes.postings;
    const bits = plan.bits;
    const walks = plan.broad.map((b) => {
      const next = this.#impactCursor(b.lexeme, b.rank);
      const p = postings[b.lexeme]!;
      const walk = { ord: -1, rank: 0, advance: () => {} };
      walk.advance = () => {
        for (let c = next(); c >= 0; c = next()) {
          const ord = p.ords[c]!;
          if (((bits[ord >>> 5]! >>> (ord & 31)) & 1) === 1 || !accept(ord)) continue;
          walk.ord = ord;
          walk.rank = b.rank(p.weights[c]!);
          return;
        }
        walk.ord = -1;
      };
      walk.advance();
      return walk;
    });
    const rating = this.#rating.data;
    const ids = this.#ids;
    const before = (a: number, ra: number, b: number, rb: number) =>
      ra !== rb ? ra > rb : rating[a] !== rating[b] ? rating[a]! > rating[b]! : ids[a]! > ids[b]!;
    const page: number[] = [];
    let e = 0;
    while (page.length < k) {
      let pick: (typeof walks)[number] | null = null;
      for (const w of walks) if (w.ord >= 0 && (!pick || before(w.ord, w.rank, pick.ord, pick.rank))) pick = w;
      if (e < best.length && (!pick || before(best[e]!, bestRanks[e]!, pick.ord, pick.rank))) page.push(best[e++]!);
      else if (pick) {
        page.push(pick.ord);
        pick.advance();
      } else break;
    }
    return page;
  }

  /**
   * A term of several lexemes under filters when few documents pass: those ranked exactly and
   * through the heap (the walks would visit most of the broad lexemes' documents to find them).
   */
  #sumFew(
    ranking: Extract<Ranking, { kind: 'sum' }>,
    plan: SumPlan,
    candidates: Uint32Array,
    k: number,
    accept: (ord: number) => boolean,
  ): number[] {
    const alive = this.#alive.data;
    const passing: number[] = [];
    for (let c = 0; c < candidates.length; c++) {
      const ord = candidates[c]!;
      if (alive[ord] === 1 && accept(ord)) passing.push(ord);
    }
    const ords = Uint32Array.from(passing);
    const { ranks } = this.#exactSums(ranking, ords, plan.broad);
    const heap = new TopK(k, 'relevance', this.#ids, this.#rating.data, this.#published.data, this.#minutes.data);
    for (let i = 0; i < ords.length; i++) heap.offer(ords[i]!, ranks[i]!);
    return heap.sorted();
  }

  /** Per-ordinal sums of calc_rank_or, all 0 between searches (a search zeroes what it used). */
  #sums(): Float64Array {
    if (this.#sumScratch.length < this.#ids.length) this.#sumScratch = new Float64Array(this.#ids.length * 2);
    return this.#sumScratch;
  }

  /**
   * Suggestions: alive documents whose title has every word (the last one as a prefix when
   * `prefix`), best rated first, at most `limit` ids.
   */
  suggest(words: readonly string[], prefix: boolean, limit: number): string[] {
    const titles = this.#titles;
    const wanted: number[][] = words.map((w, i) => {
      if (prefix && i === words.length - 1) return titles.withPrefix(w);
      const id = titles.ids.get(w);
      return id === undefined ? [] : [id];
    });
    if (limit <= 0 || words.length > 31 || wanted.some((ids) => ids.length === 0)) return [];
    const sizes = wanted.map((ids) => ids.reduce((s, id) => s + titles.postings[id]!.length, 0));
    const smallest = sizes.indexOf(Math.min(...sizes));
    // each title word: which of the typed words it is, as bits
    if (this.#wordMask.length < titles.strings.length) this.#wordMask = new Uint32Array(titles.strings.length * 2);
    const mask = this.#wordMask;
    wanted.forEach((ids, w) => {
      for (const id of ids) mask[id]! |= 1 << w;
    });
    const every = words.length === 31 ? 0x7fffffff : (1 << words.length) - 1;
    const start = this.#titleStart.data;
    const titleWords = this.#titleWords.data;
    const hasAll = (ord: number) => {
      let bits = 0;
      for (let i = start[ord]!; i < start[ord + 1]!; i++) bits |= mask[titleWords[i]!]!;
      return (bits & every) === every;
    };
    try {
      // The best rated documents, walked until `limit` have every word, take about
      // limit × documents ÷ (documents with the rarest word) steps; the rarest word's own
      // documents, through a heap, take as many steps as there are. The walk gives up past that.
      const rarest = sizes[smallest]!;
      if (rarest * rarest > limit * this.#live) {
        const out: string[] = [];
        let steps = 0;
        let complete = true;
        this.#ordered('top_rated', (ord) => {
          if (hasAll(ord)) out.push(this.#ids[ord]!);
          if (out.length >= limit) return false;
          if (++steps > rarest) complete = false;
          return complete;
        });
        if (complete) return out;
      }
      const heap = new TopK(limit, 'top_rated', this.#ids, this.#rating.data, this.#published.data, this.#minutes.data);
      const ords = unionAll(wanted[smallest]!.map((id) => titles.postings[id]!.ords.subarray(0, titles.postings[id]!.length)));
      const alive = this.#alive.data;
      for (let i = 0; i < ords.length; i++) {
        const ord = ords[i]!;
        if (alive[ord] === 1 && hasAll(ord)) heap.offer(ord, 0);
      }
      return heap.sorted().map((ord) => this.#ids[ord]!);
    } finally {
      for (const ids of wanted) for (const id of ids) mask[id] = 0;
    }
  }
}

/**
 * The alive documents in one sort's order: a sorted array as of the last merge and the few
 * added since (kept sorted), folded in by one linear merge once they are many.
 */
class SortedOrder {
  readonly #better: () => (a: number, ra: number, b: number, rb: number) => boolean;
  #main = new Uint32Array(0);
  #recent: number[] = [];
  built = false;

  constructor(better: () => (a: number, ra: number, b: number, rb: number) => boolean) {
    this.#better = better;
  }

  build(alive: readonly number[]): void {
    const better = this.#better();
    this.#main = Uint32Array.from([...alive].sort((a, b) => (better(a, 0, b, 0) ? -1 : 1)));
    this.#recent = [];
    this.built = true;
  }

  add(ord: number, alive: Uint8Array): void {
    if (!this.built) return;
    const better = this.#better();
    const recent = this.#recent;
    let lo = 0;
    let hi = recent.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (better(recent[mid]!, 0, ord, 0)) lo = mid + 1;
      else hi = mid;
    }
    recent.splice(lo, 0, ord);
    if (recent.length > 4096) this.#merge(alive);
  }

  walk(alive: Uint8Array, visit: (ord: number) => boolean): void {
    const better = this.#better();
    const main = this.#main;
    const recent = this.#recent;
    let i = 0;
    let j = 0;
    while (i < main.length || j < recent.length) {
      const takeRecent = i >= main.length || (j < recent.length && better(recent[j]!, 0, main[i]!, 0));
      const ord = takeRecent ? recent[j++]! : main[i++]!;
      if (alive[ord] === 1 && !visit(ord)) return;
    }
  }

  /** One linear pass: the recent ones in their places, the dead ones dropped. */
  #merge(alive: Uint8Array): void {
    const out = new Uint32Array(this.#main.length + this.#recent.length);
    let n = 0;
    this.walk(alive, (ord) => {
      out[n++] = ord;
      return true;
    });
    this.#main = out.slice(0, n);
    this.#recent = [];
  }
}

/**
 * The best k of a stream, kept in a heap whose root is the worst kept. The order is the sort's,
 * compared as two numbers and the recipe id (as the SQL: relevance → rank, rating, id
 * descending; newest → published, id descending; top rated → rating, id descending; quickest
 * → minutes, id ascending), without a comparison function per sort.
 */
class TopK {
  readonly #k: number;
  readonly #ids: readonly string[];
  readonly #idsAscending: boolean;
  readonly #mode: number;
  readonly #rating: Float64Array;
  readonly #published: Float64Array;
  readonly #minutes: Int32Array;
  readonly #ords: Int32Array;
  readonly #first: Float64Array;
  readonly #second: Float64Array;
  #n = 0;

  constructor(
    k: number,
    order: IndexSort,
    ids: readonly string[],
    rating: Float64Array,
    published: Float64Array,
    minutes: Int32Array,
  ) {
    this.#k = k;
    this.#ids = ids;
    this.#mode = ['relevance', 'newest', 'top_rated', 'quickest'].indexOf(order);
    this.#idsAscending = order === 'quickest';
    this.#rating = rating;
    this.#published = published;
    this.#minutes = minutes;
    this.#ords = new Int32Array(Math.max(k, 1));
    this.#first = new Float64Array(Math.max(k, 1));
    this.#second = new Float64Array(Math.max(k, 1));
  }

  /** `a` comes before `b` */
  #before(a: number, a1: number, a2: number, b: number, b1: number, b2: number): boolean {
    if (a1 !== b1) return a1 > b1;
    if (a2 !== b2) return a2 > b2;
    return this.#idsAscending ? this.#ids[a]! < this.#ids[b]! : this.#ids[a]! > this.#ids[b]!;
  }

  /** Offers a document (`rank`: its rank for relevance, else unused). */
  offer(ord: number, rank: number): void {
    const k = this.#k;
    if (k === 0) return;
    const mode = this.#mode;
    const first = mode === 0 ? rank : mode === 1 ? this.#published[ord]! : mode === 2 ? this.#rating[ord]! : -this.#minutes[ord]!;
    const second = mode === 0 ? this.#rating[ord]! : 0;
    const ords = this.#ords;
    const firsts = this.#first;
    const seconds = this.#second;
    if (this.#n < k) {
      let i = this.#n++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.#before(ords[parent]!, firsts[parent]!, seconds[parent]!, ord, first, second)) break;
        ords[i] = ords[parent]!;
        firsts[i] = firsts[parent]!;
        seconds[i] = seconds[parent]!;
        i = parent;
      }
      ords[i] = ord;
      firsts[i] = first;
      seconds[i] = second;
      return;
    }
    // most documents lose to the worst kept on the first number alone
    if (first < firsts[0]! || !this.#before(ord, first, second, ords[0]!, firsts[0]!, seconds[0]!)) return;
    let i = 0;
    const n = this.#n;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const worse = r < n && this.#before(ords[l]!, firsts[l]!, seconds[l]!, ords[r]!, firsts[r]!, seconds[r]!) ? r : l;
      if (!this.#before(ord, first, second, ords[worse]!, firsts[worse]!, seconds[worse]!)) break;
      ords[i] = ords[worse]!;
      firsts[i] = firsts[worse]!;
      seconds[i] = seconds[worse]!;
      i = worse;
    }
    ords[i] = ord;
    firsts[i] = first;
    seconds[i] = second;
  }

  /** The kept ordinals, best first. */
  sorted(): number[] {
    const items = Array.from({ length: this.#n }, (_, i) => i);
    const o = this.#ords;
    const f = this.#first;
    const s = this.#second;
    items.sort((a, b) => (this.#before(o[a]!, f[a]!, s[a]!, o[b]!, f[b]!, s[b]!) ? -1 : 1));
    return items.map((i) => o[i]!);
  }
}
