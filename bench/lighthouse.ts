/**
 * Lighthouse on a phone: every page type of the production build, Lighthouse's mobile profile
 * (a mid-range phone on a slow 4G connection, simulated), each page run `--runs` times in a
 * fresh Chromium load, the median reported beside the targets of the web issue.
 *
 *   npm run bench:lighthouse [-- --runs 3 --pages home,search,recipe --reports /tmp/lh]
 *
 * With --reports, each run's full report is written there as <path>-<time>.json: the
 * audits' breakdown the score alone does not give (bootup-time and long-tasks by script,
 * mainthread-work-breakdown, network-requests with their priorities). Lighthouse 12.2.3's
 * largest-contentful-paint-element audit fails in this Chromium (its RootCauses gatherer).
 * On a busy machine the scores follow its load; the breakdown says where to look.
 *
 * The platform runs as `yeet start --role all` in a child process (so Lighthouse's own work
 * in this process does not slow the server), on DATABASE_URL when set (a database it may
 * fill; its database is made afresh each run), else on an embedded PostgreSQL under .data/bench. Signed-in pages are loaded with
 * the session cookie of an author, editor and admin. Needs the production web build
 * (`npm run build`) and Chromium (/usr/bin/chromium or CHROMIUM_PATH).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '@yeet/db';
import { loadConfig, sessionCookieName, webSessionCodec } from '@yeet/platform';
import lighthouse from 'lighthouse';
import pg from 'pg';
import { chromiumPath } from '../test/support/browser.ts';
import { oidcFlow } from '../test/support/oidc.ts';
import { benchDatabase } from './database.ts';
import { firstLoadJs, firstLoadTarget } from './first-load-js.ts';
import { startProcess } from './load/platform.ts';
import { table } from './stats.ts';

const pageTypes = ['home', 'search', 'recipe', 'account', 'my-recipes', 'edit', 'review'] as const;
type PageType = (typeof pageTypes)[number];

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    pages: { type: 'string', default: pageTypes.join(',') },
    // each run's full Lighthouse report (JSON) kept there, for its audits' breakdown
    reports: { type: 'string' },
  },
});
const runs = Number(args.runs);
const pages = args.pages.split(',').map((p) => p.trim()) as PageType[];
for (const p of pages) if (!pageTypes.includes(p)) throw new Error(`unknown page "${p}"; pages: ${pageTypes.join(', ')}`);

const root = path.resolve(import.meta.dirname, '..');
if (!existsSync(path.join(root, 'apps/web/dist/server/server.js'))) throw new Error('Build the web app first: npm run build');
if (!chromiumPath) throw new Error('Chromium is needed: apt-get install -y chromium');
const sessionSecret = 'bench-lighthouse-session-secret-0123456789abcdef';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mark = (value: number, ok: (v: number) => boolean, digits = 0) => `${value.toFixed(digits)} ${ok(value) ? '✓' : '✗'}`;

// The demo's images live in the data directory, beside this checkout; a database kept on
// DATABASE_URL's server from a run in another checkout would name images this one lacks, so
// there it is made afresh each run.
await dropDatabase('yeet_bench_lighthouse');
const database = await benchDatabase('yeet_bench_lighthouse');
const dataDir = path.join(root, '.data/bench-lighthouse');
const port = await freePort();
// `yeet start --role all` as `npm start` runs it (the memory settings too), with the demo recipes the first time.
const server = await startProcess('all', {
  PORT: String(port),
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  DATABASE_URL: database.url,
  DATA_DIR: dataDir,
  SEED_DEMO: database.fresh ? 'always' : 'never',
  SESSION_SECRET: sessionSecret,
});
const browser = await startChromium();
try {
  const cookie = await signedInCookie();
  const draft = await createDraft(cookie.accessToken);
  const urls: Record<PageType, { path: string; signedIn: boolean }> = {
    home: { path: '/', signedIn: false },
    search: { path: '/search?q=chicken', signedIn: false },
    recipe: { path: '/r/cacio-e-pepe', signedIn: false },
    account: { path: '/account', signedIn: true },
    'my-recipes': { path: '/me/recipes', signedIn: true },
    edit: { path: `/r/${draft}/edit`, signedIn: true },
    review: { path: '/review', signedIn: true },
  };

  const rows: Array<Array<string | number>> = [];
  const failures = new Map<string, Set<string>>();
  for (const type of pages) {
    const { path: pagePath, signedIn } = urls[type];
    const results: Measured[] = [];
    for (let i = 0; i < runs; i++) {
      if (signedIn) {
        // A browser of its own: a cookie the app set in an earlier run (yeet_js) would be sent
        // instead of the Cookie header Lighthouse adds, and the page would be the sign-in page.
        const own = await startChromium();
        try {
          results.push(await measure(`${server.url}${pagePath}`, own.port, cookie.header));
        } finally {
          await own.stop();
        }
      } else results.push(await measure(`${server.url}${pagePath}`, browser.port));
      process.stderr.write('.');
    }
    failures.set(type, new Set(results.flatMap((r) => r.failed)));
    const html = await (await fetch(`${server.url}${pagePath}`, signedIn ? { headers: { cookie: cookie.header } } : {})).text();
    const firstLoad = (await firstLoadJs(html, path.join(root, 'apps/web/dist/client'))).gzip;
    const m = (pick: (r: Measured) => number) => median(results.map(pick));
    rows.push([
      `${type} ${signedIn ? '(signed in)' : ''}`.trim(),
      mark(
        m((r) => r.performance),
        (v) => v >= 95,
      ),
      results.map((r) => r.performance).join(' '),
      `${(m((r) => r.lcp) / 1000).toFixed(1)} s`,
      mark(
        m((r) => r.cls),
        (v) => v < 0.05,
        3,
      ),
      `${Math.round(m((r) => r.tbt))} ms`,
      mark(
        m((r) => r.accessibility),
        (v) => v === 100,
      ),
      mark(
        m((r) => r.bestPractices),
        (v) => v === 100,
      ),
      mark(
        m((r) => r.seo),
        (v) => v === 100,
      ),
      `${Math.round(m((r) => r.transfer) / 1024)} KiB`,
      `${Math.round(m((r) => r.scriptTransfer) / 1024)} KiB`,
      mark(firstLoad / 1000, (v) => v <= firstLoadTarget / 1000, 1),
    ]);
  }
  process.stderr.write('\n');
  for (const [type, failed] of failures) if (failed.size) console.log(`${type}: failed ${[...failed].join(', ')}`);
  console.log(
    `\nLighthouse ${lighthouseVersion()} mobile profile (simulated slow 4G, 4× CPU slowdown), median of ${runs} runs per page\n`,
  );
  console.log(
    table(
      [
        'page',
        'performance',
        'runs',
        'LCP',
        'CLS',
        'TBT',
        'accessibility',
        'best practices',
        'SEO',
        'transfer',
        'of it scripts',
        'first-load JS (KB gzip)',
      ],
      rows,
    ),
  );
  console.log(
    `\nTargets: performance ≥ 95, CLS < 0.05, accessibility / best practices / SEO 100, first-load JS ≤ ${firstLoadTarget / 1000} KB gzip (✓ met, ✗ not).`,
  );
  console.log(
    "First-load JS: the page's module scripts, modulepreloads and their static imports, gzip -9 (bench/first-load-js.ts).",
  );
  console.log('The machine may be shared: scores move with its load; compare runs made at the same time.');
} finally {
  await browser.stop();
  await server.stop();
  await database.stop();
}

async function dropDatabase(name: string): Promise<void> {
  if (!process.env.DATABASE_URL) return; // the embedded server's own data lives under .data/bench
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}

interface Measured {
  performance: number;
  accessibility: number;
  bestPractices: number;
  seo: number;
  lcp: number;
  cls: number;
  tbt: number;
  transfer: number;
  scriptTransfer: number;
  /** The accessibility, best-practices and SEO audits that failed, by id. */
  failed: string[];
}

/** One Lighthouse run in a fresh page of the shared Chromium (its storage reset first). */
async function measure(url: string, port: number, cookie?: string): Promise<Measured> {
  const result = await lighthouse(url, {
    port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
    ...(cookie ? { extraHeaders: { cookie } } : {}),
  });
  if (!result) throw new Error(`Lighthouse gave no result for ${url}`);
  const { categories, audits } = result.lhr;
  if (result.lhr.runtimeError) throw new Error(`${url}: ${result.lhr.runtimeError.message}`);
  if (args.reports) {
    await mkdir(args.reports, { recursive: true });
    const name = `${new URL(url).pathname.replace(/[^\w]+/g, '_')}-${Date.now()}.json`;
    await writeFile(path.join(args.reports, name), JSON.stringify(result.lhr));
  }
  const score = (id: string) => Math.round((categories[id]?.score ?? 0) * 100);
  const numeric = (id: string) => audits[id]?.numericValue ?? Number.NaN;
  const items =
    (audits['resource-summary']?.details as { items?: Array<{ resourceType: string; transferSize: number }> })?.items ?? [];
  const transferOf = (type: string) => items.find((i) => i.resourceType === type)?.transferSize ?? 0;
  const failed = ['accessibility', 'best-practices', 'seo'].flatMap((id) =>
    (categories[id]?.auditRefs ?? [])
      .filter((ref) => ref.weight > 0 && audits[ref.id]?.score !== null && (audits[ref.id]?.score ?? 1) < 1)
      .map((ref) => `${id}/${ref.id}`),
  );
  return {
    failed,
    performance: score('performance'),
    accessibility: score('accessibility'),
    bestPractices: score('best-practices'),
    seo: score('seo'),
    lcp: numeric('largest-contentful-paint'),
    cls: numeric('cumulative-layout-shift'),
    tbt: numeric('total-blocking-time'),
    transfer: transferOf('total'),
    scriptTransfer: transferOf('script'),
  };
}

function lighthouseVersion(): string {
  return (JSON.parse(readFileSync(path.join(root, 'node_modules/lighthouse/package.json'), 'utf8')) as { version: string })
    .version;
}

/** Chromium with its DevTools port open, as Lighthouse drives it; a profile of its own, removed after. */
async function startChromium(): Promise<{ port: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const profile = await mkdtemp(path.join(tmpdir(), 'yeet-lighthouse-'));
  const child = spawn(
    chromiumPath!,
    [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--user-data-dir=${profile}`,
      `--remote-debugging-port=${port}`,
      'about:blank',
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; ; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/json/version`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i > 300) throw new Error('Chromium did not open its DevTools port in 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** A person signed up at the built-in issuer, given every role, in a session sealed as the web role seals it. */
async function signedInCookie(): Promise<{ header: string; accessToken: string }> {
  const config = loadConfig({ ROLE: 'all', PUBLIC_URL: server.url, SESSION_SECRET: sessionSecret, DATABASE_URL: database.url });
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  try {
    // Sign-ups from one address are limited per hour, and earlier runs count: this is the bench's own database.
    await db.query(`delete from rate_limits`).catch(() => undefined);
    const email = `lighthouse-${Date.now().toString(36)}@example.com`;
    const tokens = await oidcFlow(server.url, config, sessionSecret).signUp({
      email,
      password: 'a long enough password',
      displayName: 'Lighthouse Reader',
    });
    await db.query(`update users set roles = '{user,author,editor,admin}' where email = $1`, [email]);
    const session = {
      id: `lighthouse-${Date.now()}`,
      accessToken: tokens.access_token,
      refreshToken: null,
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    };
    return {
      header: `${sessionCookieName}=${webSessionCodec(sessionSecret).seal(session, 3600)}`,
      accessToken: tokens.access_token,
    };
  } finally {
    await db.end();
  }
}

/** A draft of the signed-in person's, for the edit page; its slug. */
async function createDraft(accessToken: string): Promise<string> {
  const res = await fetch(`${server.url}/api/yeet.v1.RecipeService/CreateRecipe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({
      recipe: {
        title: 'Lighthouse lemon tart',
        summary: 'A draft to measure the edit page with.',
        servings: 8,
        prepMinutes: 30,
        cookMinutes: 40,
        ingredientSections: [
          {
            ingredients: [
              { quantity: 200, unit: 'g', item: 'flour' },
              { quantity: 3, item: 'lemons' },
            ],
          },
        ],
        steps: [{ text: 'Bake the tart.' }],
      },
    }),
  });
  if (!res.ok) throw new Error(`CreateRecipe: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { recipe: { slug: string } }).recipe.slug;
}
