import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { SearchService } from '@yeet/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { runJudgedSet, summary, type Score } from './relevance.ts';

// The demo seed, with no worker running: what is searchable here was indexed with the seed,
// before the server reported ready (issue 16: complete from the first second).
let api: TestPlatform;
let scores: Score[];

beforeAll(async () => {
  api = await startTestPlatform({ SEED_DEMO: 'always' });
  const ready = await fetch(`${api.baseUrl}/readyz`);
  expect(ready.status).toBe(200);
  const search = createClient(SearchService, createConnectTransport({ baseUrl: `${api.baseUrl}/api`, httpVersion: '1.1' }));
  scores = await runJudgedSet(async (query) => {
    const r = await search.searchRecipes({ query });
    return { titles: r.hits.map((h) => h.recipe?.title ?? ''), total: r.totalSize, corrected: r.correctedQuery };
  });
}, 240_000);
afterAll(async () => {
  await api?.stop();
});

// the scores, for whoever reads the run
afterAll(() => console.table(summary(scores)));

const of = (kind: string) => summary(scores).find((s) => s.kind === kind)!;
const failures = (filter: (s: Score) => boolean) =>
  scores.filter((s) => filter(s) && s.problems.length).map((s) => `${s.query}: ${s.problems.join('; ')}`);

describe('the judged relevance set over the demo recipes', () => {
  it('has at least 100 queries of every kind', () => {
    expect(scores.length).toBeGreaterThanOrEqual(100);
    expect(new Set(scores.map((s) => s.kind)).size).toBe(9);
  });

  it('finds the misspelled recipe in the top 10 for at least 98% of single typos, of every kind', () => {
    expect(of('typos (all kinds)').recall, failures((s) => s.kind.startsWith('typo')).join('\n')).toBeGreaterThanOrEqual(0.98);
    for (const kind of ['typo: swap', 'typo: drop', 'typo: double', 'typo: neighbouring key'])
      expect(of(kind).recall, kind).toBeGreaterThanOrEqual(0.98);
  });

  it('gives exactly the facet for words that name one, and a corrected query what its correction gives', () => {
    expect(failures((s) => s.kind === 'facet words' || ['chiken', 'coalda', 'lasagnia'].includes(s.query))).toEqual([]);
  });

  it('scores recall@10 and nDCG@10 above the thresholds overall', () => {
    const all = of('all');
    expect(all.recall, failures(() => true).join('\n')).toBeGreaterThanOrEqual(0.98);
    expect(all.ndcg).toBeGreaterThanOrEqual(0.93);
  });
});
