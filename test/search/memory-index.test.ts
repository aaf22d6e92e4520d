import { seededRandom } from '@yeet/domain/random';
import { describe, expect, it } from 'vitest';
import {
  type CompiledText,
  type IndexedDocument,
  type IndexFilter,
  type IndexResult,
  type IndexSort,
  MemoryIndex,
} from '../../apps/api/src/search/memory/memory-index.ts';

// The memory index keeps structures up to date as documents come and go (a common word's facet
// tally, per-value bitsets, value postings, sorted orders): after any mix of writes it must answer
// exactly as an index loaded afresh from the same documents. Enough documents that "common" is
// common (a tally is kept from 1,000 documents and 1% of the index).

const cuisines = ['italian', 'thai', 'greek', 'mexican'];
const meals = ['breakfast', 'lunch', 'dinner'];
const levels = ['easy', 'medium', 'hard'];
const tags = ['weeknight', 'family', 'party', 'budget'];
const diets = ['vegetarian', 'vegan', 'nut-free'];
const words = ['common', 'curry', 'curried', 'pasta', 'salad'];

function documentOf(rand: () => number, i: number, version: number): IndexedDocument {
  const some = (list: string[], p: number) => list.filter(() => rand() < p);
  const pick = (list: string[]) => list[Math.floor(rand() * list.length)]!;
  const lexemes = ['common', ...some(words.slice(1), 0.4)].sort();
  const minutes = 5 + Math.floor(rand() * 60);
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    document: lexemes
      .map(
        (w) =>
          `'${w}':${Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, k) => `${k * 3 + 1}${pick(['A', 'B', 'C', ''])}`).join(',')}`,
      )
      .join(' '),
    titleVector: `'${pick(words)}':1 '${pick(['no', 'one', version % 2 ? 'two' : 'three'])}':2`,
    facetValues: [
      `cuisines:${pick(cuisines)}`,
      ...some(meals, 0.5).map((m) => `meal_types:${m}`),
      `difficulty:${pick(levels)}`,
      `time_buckets:${minutes <= 15 ? 'up-to-15' : minutes <= 30 ? '15-to-30' : '30-to-60'}`,
      ...some(tags, 0.3).map((t) => `tags:${t}`),
      ...some(diets, 0.4).map((d) => `dietary_flags:${d}`),
    ],
    ratingScore: Math.floor(rand() * 5),
    publishedAt: 1_700_000_000_000 + Math.floor(rand() * 1000) * 60_000,
    totalMinutes: minutes,
    card: {
      slug: `r-${i}`,
      title: `Recipe ${i}`,
      summary: '',
      servings: 2,
      prepMinutes: 5,
      cookMinutes: minutes - 5,
      ratingCount: 0,
      ratingSum: 0,
      cover: null,
    },
  };
}

const none: IndexFilter = {
  cuisines: [],
  mealTypes: [],
  difficulties: [],
  timeBuckets: [],
  maxTotalMinutes: null,
  tags: [],
  dietaryFlags: [],
};
const filters: IndexFilter[] = [
  none,
  { ...none, cuisines: ['italian'] },
  { ...none, cuisines: ['italian', 'thai'], mealTypes: ['dinner'] },
  { ...none, dietaryFlags: ['vegetarian', 'nut-free'] },
  { ...none, timeBuckets: ['up-to-15', '15-to-30'], maxTotalMinutes: 20 },
  { ...none, maxTotalMinutes: 25, tags: ['weeknight'] },
  { ...none, tags: ['family'], difficulties: ['easy'], dietaryFlags: ['vegan'] },
  // few documents pass (a common word's page is then ranked, not walked)
  { ...none, cuisines: ['italian'], tags: ['party'], dietaryFlags: ['vegan', 'nut-free'] },
];
const texts: Array<CompiledText | null> = [
  null,
  { terms: [{ exact: ['common'], prefixes: [] }], operands: [{ lexeme: 'common', prefix: false }], and: false },
  {
    terms: [{ exact: ['curry'], prefixes: ['cur'] }],
    operands: [
      { lexeme: 'cur', prefix: true },
      { lexeme: 'curry', prefix: false },
    ],
    and: false,
  },
  {
    terms: [{ exact: ['common', 'pasta'], prefixes: [] }],
    operands: [
      { lexeme: 'common', prefix: false },
      { lexeme: 'pasta', prefix: false },
    ],
    and: false,
  },
  {
    terms: [
      { exact: ['common'], prefixes: [] },
      { exact: ['salad'], prefixes: [] },
    ],
    operands: [
      { lexeme: 'common', prefix: false },
      { lexeme: 'salad', prefix: false },
    ],
    and: true,
  },
];
const sorts: IndexSort[] = ['relevance', 'newest', 'top_rated', 'quickest'];

const comparable = (r: IndexResult) => ({
  ids: r.ids,
  total: r.total,
  facets: [...r.facets].map(([f, v]) => [f, [...v].sort()] as const).sort(),
});

function answers(index: MemoryIndex) {
  const out: unknown[] = [];
  for (const text of texts)
    for (const filter of filters)
      for (const sort of sorts) out.push(comparable(index.search(text, filter, sort, 10, sort === 'newest' ? 10 : 0, true)));
  for (const [typed, prefix] of [
    [['common'], false],
    [['co'], true],
    [['pasta', 't'], true],
    [['curry', 'no'], false],
  ] as const)
    out.push(index.suggest(typed, prefix, 6));
  return out;
}

describe('the memory index', () => {
  it('answers after writes exactly as an index loaded afresh with the same documents', () => {
    const rand = seededRandom(7);
    const docs = new Map<number, IndexedDocument>();
    for (let i = 0; i < 3000; i++) docs.set(i, documentOf(rand, i, 0));
    const live = new MemoryIndex();
    for (const d of docs.values()) live.put(d, true);
    live.trim();
    // every search once: tallies, bitsets and orders made before the writes
    answers(live);

    for (let round = 1; round <= 3; round++) {
      for (let n = 0; n < 300; n++) {
        const i = Math.floor(rand() * 3400);
        if (rand() < 0.25 && docs.has(i)) {
          docs.delete(i);
          live.remove(documentOf(rand, i, round).id);
        } else {
          const d = documentOf(rand, i, round);
          docs.set(i, d);
          live.put(d);
        }
      }
      const fresh = new MemoryIndex();
      for (const d of docs.values()) fresh.put(d, true);
      fresh.trim();
      expect(live.size).toBe(docs.size);
      const got = answers(live);
      const expected = answers(fresh);
      const different = got.flatMap((g, i) => (JSON.stringify(g) === JSON.stringify(expected[i]) ? [] : [i]));
      expect(different, `round ${round}`).toEqual([]);
    }
  });

  it('counts a common word under no filter as the sum of its documents', () => {
    const rand = seededRandom(11);
    const index = new MemoryIndex();
    const docs = Array.from({ length: 2000 }, (_, i) => documentOf(rand, i, 0));
    for (const d of docs) index.put(d, true);
    index.trim();
    const r = index.search(texts[1]!, none, 'relevance', 5, 0, true);
    expect(r.total).toBe(2000);
    expect(r.facets.get('cuisines')?.get('italian')).toBe(docs.filter((d) => d.facetValues.includes('cuisines:italian')).length);
    index.remove(docs[0]!.id);
    const after = index.search(texts[1]!, none, 'relevance', 5, 0, true);
    expect(after.total).toBe(1999);
    const italian = docs.slice(1).filter((d) => d.facetValues.includes('cuisines:italian')).length;
    expect(after.facets.get('cuisines')?.get('italian')).toBe(italian);
  });
});

describe("the shortcuts of broad searches (counts from bitsets, a broad word's page off its relevance order)", () => {
  it('answer every search as the one pass over every candidate does, after writes too', () => {
    const rand = seededRandom(13);
    // the reference: the one pass, ranking every match through the heap
    const pass = new MemoryIndex({ counting: 'pass', walk: false });
    const bits = new MemoryIndex({ counting: 'bits' });
    const walk = new MemoryIndex({ counting: 'pass' });
    const load = (d: IndexedDocument, fresh: boolean) => {
      for (const index of [pass, bits, walk]) index.put(d, fresh);
    };
    for (let i = 0; i < 2500; i++) load(documentOf(rand, i, 0), true);
    for (const index of [pass, bits, walk]) index.trim();
    const compare = (when: string) => {
      const expected = answers(pass);
      for (const [name, index] of [
        ['bits', bits],
        ['walk', walk],
      ] as const) {
        const got = answers(index);
        const different = got.flatMap((g, i) => (JSON.stringify(g) === JSON.stringify(expected[i]) ? [] : [i]));
        expect(different, `${name} ${when}`).toEqual([]);
      }
    };
    compare('after the load');
    // updates and removals leave dead ordinals in the postings and the value bitsets
    for (let n = 0; n < 400; n++) {
      const i = Math.floor(rand() * 2800);
      if (rand() < 0.3) {
        const id = documentOf(rand, i, 1).id;
        for (const index of [pass, bits, walk]) index.remove(id);
      } else load(documentOf(rand, i, 1), false);
    }
    compare('after writes');
    // the counts are the documents' own: a filtered facet counts what the other filters let through
    const r = bits.search(null, { ...none, cuisines: ['italian'], difficulties: ['easy'] }, 'newest', 5, 0, true);
    expect(r.facets.get('cuisines')?.get('thai')).toBeGreaterThan(0);
    expect(r.total).toBe(r.facets.get('cuisines')?.get('italian'));
  });
});

describe('a term of several lexemes by relevance (a prefix and its completions): broad lexemes walked, not summed per match', () => {
  // broad lexemes (a tally from 1,000 documents): chicken and chickpea, often together; narrow: chickweed, chick
  const lexemeWords = ['chick', 'chicken', 'chickpea', 'chickweed', 'salad'];
  const chance = [0.1, 0.55, 0.45, 0.02, 0.3];
  function chickDocument(rand: () => number, i: number, version: number): IndexedDocument {
    const base = documentOf(rand, i, version);
    const pick = (list: string[]) => list[Math.floor(rand() * list.length)]!;
    const lexemes = lexemeWords.filter((_, j) => rand() < chance[j]!);
    if (lexemes.length === 0) lexemes.push('salad');
    return {
      ...base,
      document: lexemes
        .map(
          (w) =>
            `'${w}':${Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, k) => `${k * 3 + 1}${pick(['A', 'B', 'C', ''])}`).join(',')}`,
        )
        .join(' '),
    };
  }
  const chickTexts: CompiledText[] = [
    // what the planner makes of `chick` being typed: the word, its completions and the prefix
    {
      terms: [{ exact: ['chick', 'chicken', 'chickpea'], prefixes: ['chick'] }],
      operands: [
        { lexeme: 'chick', prefix: true },
        { lexeme: 'chicken', prefix: false },
        { lexeme: 'chickpea', prefix: false },
      ],
      and: false,
    },
    // the prefix alone
    { terms: [{ exact: [], prefixes: ['chick'] }], operands: [{ lexeme: 'chick', prefix: true }], and: false },
    // synonyms: two broad lexemes, one operand each
    {
      terms: [{ exact: ['chicken', 'chickpea'], prefixes: [] }],
      operands: [
        { lexeme: 'chicken', prefix: false },
        { lexeme: 'chickpea', prefix: false },
      ],
      and: false,
    },
    // a broad lexeme of the term that no operand ranks (summed with the explicit documents: 0)
    {
      terms: [{ exact: ['chicken', 'chickpea', 'chickweed'], prefixes: [] }],
      operands: [{ lexeme: 'chicken', prefix: false }],
      and: false,
    },
  ];
  const chickAnswers = (index: MemoryIndex) =>
    chickTexts.flatMap((text) =>
      filters.flatMap((filter) =>
        [
          [10, 0],
          [10, 40],
          [5, 3000],
          [0, 0],
        ].map(([limit, offset]) => comparable(index.search(text, filter, 'relevance', limit!, offset!, limit !== 5))),
      ),
    );

  it('answers as the sum per match does, after loads, updates and removals', () => {
    const rand = seededRandom(17);
    const pass = new MemoryIndex({ counting: 'pass', walk: false });
    const walk = new MemoryIndex({ counting: 'pass' });
    const auto = new MemoryIndex();
    const bits = new MemoryIndex({ counting: 'bits' });
    const all = [pass, walk, auto, bits];
    for (let i = 0; i < 3000; i++) {
      const d = chickDocument(rand, i, 0);
      for (const index of all) index.put(d, true);
    }
    for (const index of all) index.trim();
    const compare = (when: string) => {
      const expected = chickAnswers(pass);
      for (const [name, index] of [
        ['walk', walk],
        ['auto', auto],
        ['bits', bits],
      ] as const) {
        const got = chickAnswers(index);
        const different = got.flatMap((g, i) => (JSON.stringify(g) === JSON.stringify(expected[i]) ? [] : [i]));
        expect(different, `${name} ${when}`).toEqual([]);
      }
    };
    compare('after the load');
    // updates and removals: dead ordinals in the postings, postings newer than the kept orders
    for (let round = 1; round <= 2; round++) {
      for (let n = 0; n < 500; n++) {
        const i = Math.floor(rand() * 3300);
        if (rand() < 0.3) {
          const id = chickDocument(rand, i, round).id;
          for (const index of all) index.remove(id);
        } else {
          const d = chickDocument(rand, i, round);
          for (const index of all) index.put(d);
        }
      }
      compare(`after writes, round ${round}`);
    }
    // the totals are the documents': every document with a chick… word, once
    const r = walk.search(chickTexts[1]!, none, 'relevance', 10, 0, true);
    expect(r.total).toBe(walk.search(chickTexts[1]!, none, 'newest', 10, 0, true).total);
    expect(r.ids).toHaveLength(10);
  });
});
