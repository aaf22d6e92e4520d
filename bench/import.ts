/**
 * Recipe import benchmark: our importer and recipe-scrapers on the same saved pages.
 *  - accuracy: score.py (../shared/import-corpus, beside the repository) runs
 *    `yeet import-html` once per page and grades title, ingredients, instructions, total time,
 *    yields and image; printed beside recipe-scrapers 14.32.1's figures on the same pages
 *    (from the corpus README) and the targets of issue 19;
 *  - parse time: every page parsed in-process, after a warm-up round. The machine may be
 *    shared, so the time of htmlparser2's parse alone is printed beside it: the ratio says
 *    what the extraction adds to a parse any importer has to do.
 *
 *   node bench/import.ts [--skip-score]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { parseDocument } from 'htmlparser2';
import { extractRecipe } from '../apps/api/src/import/extract.ts';
import { percentiles, table } from './stats.ts';

const { values: args } = parseArgs({ options: { 'skip-score': { type: 'boolean' } } });
const root = path.resolve(import.meta.dirname, '..');
const corpus = path.resolve(root, '../shared/import-corpus');
const pagesDir = path.join(corpus, 'pages');
if (!existsSync(path.join(corpus, 'score.py')) || !existsSync(pagesDir)) {
  console.error(`No import corpus at ${corpus}: put score.py and pages/ there (see issue 19) and run again.`);
  process.exit(1);
}

// recipe-scrapers 14.32.1 in its generic schema.org mode, on these pages (corpus README).
const baseline: Record<string, number> = {
  complete: 76.7,
  title: 87.9,
  ingredients: 79.8,
  instructions: 83.2,
  total_time: 89.2,
  yields: 87.0,
  image: 52.5,
};
const target = (field: string) => (field === 'complete' ? 90 : baseline[field]!);

// In-process parse times.
const pages = readdirSync(pagesDir)
  .filter((f) => f.endsWith('.html.gz'))
  .sort()
  .map((f) => {
    const name = f.slice(0, -'.html.gz'.length);
    const expected = JSON.parse(readFileSync(path.join(pagesDir, `${name}.json`), 'utf8')) as { canonical_url?: string };
    return {
      url: expected.canonical_url || `https://${name}/`,
      html: gunzipSync(readFileSync(path.join(pagesDir, f))).toString('utf8'),
    };
  });
const parseOnly: number[] = [];
const extract: number[] = [];
for (let round = 0; round < 2; round++) {
  for (const page of pages) {
    // Interleaved, so the machine's noise falls on both alike.
    let t = performance.now();
    parseDocument(page.html, { decodeEntities: true });
    const parsed = performance.now() - t;
    t = performance.now();
    extractRecipe(page.html, page.url);
    const extracted = performance.now() - t;
    if (round === 1) {
      parseOnly.push(parsed);
      extract.push(extracted);
    }
  }
}
const ours = percentiles(extract);
const html = percentiles(parseOnly);
console.log(`parse time per page, ${pages.length} pages, in-process:`);
console.log(
  table(
    ['', 'p50 ms', 'p95 ms'],
    [
      ['extractRecipe (parse + extraction)', ours.p50.toFixed(1), ours.p95.toFixed(1)],
      ['htmlparser2 parse alone', html.p50.toFixed(1), html.p95.toFixed(1)],
      ['ratio', (ours.p50 / html.p50).toFixed(2), (ours.p95 / html.p95).toFixed(2)],
      ['target', '', '≤ 50'],
    ],
  ),
);

if (!args['skip-score']) {
  console.log('\nscoring with score.py (yeet import-html once per page, 2 at a time)…');
  const run = spawnSync(
    'python3',
    [
      path.join(corpus, 'score.py'),
      pagesDir,
      '--jobs',
      '2',
      '--json',
      '--',
      process.execPath,
      path.join(root, 'apps/server/src/main.ts'),
      'import-html',
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  if (run.status !== 0) {
    console.error(`score.py failed (${run.status}): ${run.stderr}`);
    process.exit(1);
  }
  const summary = JSON.parse(run.stdout) as {
    pages: number;
    fields: Record<string, { right: number; of: number; share: number }>;
  };
  const rows = Object.keys(baseline).map((field) => {
    const f = summary.fields[field]!;
    const share = f.share * 100;
    return [
      field,
      `${share.toFixed(1)}% (${f.right}/${f.of})`,
      `${baseline[field]!.toFixed(1)}%`,
      `≥ ${target(field).toFixed(1)}%`,
      share >= target(field) ? 'met' : 'not met',
    ];
  });
  console.log(`${summary.pages} pages`);
  console.log(table(['field', 'ours', 'recipe-scrapers', 'target', ''], rows));
}
