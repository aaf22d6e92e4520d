/**
 * Web benchmark, one run, side by side:
 *  - recipe page throughput vs a bare Node server answering the same HTML bytes: rendered
 *    for every request (TanStack Start; a web role calling the API over loopback, and
 *    `--role all` calling it in memory), and as visitors who are not signed in get it (the
 *    page cache on, the default); with the CPU the servers' thread spent per answer, the
 *    figure to compare runs by on a busy machine;
 *  - the recipe page's Largest Contentful Paint in headless Chromium on localhost, each
 *    load in a fresh browser context (nothing cached).
 *
 *   npm run bench:web [-- --seconds 10 --loads 7]
 *
 * Uses DATABASE_URL when set (a database it may fill), else an embedded PostgreSQL kept
 * under .data/bench. Needs the production web build (`npm run build`).
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { freePort } from '@yeet/db';
import { createLogger, loadConfig } from '@yeet/platform';
import { startPlatform } from '../apps/server/src/platform.ts';
import { chromiumPath, launchBrowser } from '../test/support/browser.ts';
import { benchDatabase } from './database.ts';
import { percentiles, table } from './stats.ts';

// React picks its production build by NODE_ENV, as `npm start` does (apps/server/src/main.ts).
process.env.NODE_ENV ??= 'production';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    loads: { type: 'string', default: '7' },
  },
});
const seconds = Number(args.seconds);
const connections = Number(args.connections);
const loads = Number(args.loads);
const slug = 'cacio-e-pepe';

const root = path.resolve(import.meta.dirname, '..');
if (!existsSync(path.join(root, 'apps/web/dist/server/server.js'))) throw new Error('Build the web app first: npm run build');

// --- database and platform ----------------------------------------------------------------
const database = await benchDatabase('yeet_bench_web');

// A known port: server-side rendering calls the API on it.
const port = await freePort();
const platform = await startPlatform(
  loadConfig({
    ROLE: 'all',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: database.url,
    SEED_DEMO: database.fresh ? 'always' : 'never',
    // it answers the web role's API calls: queued, not refused, as below
    HTTP_QUEUE_WAIT_MS: '0',
    SESSION_SECRET: 'bench-web-session-secret-0123456789abcdef',
    LOG_LEVEL: 'error',
  }),
  createLogger({ level: 'error' }),
);
// The same pages rendered for every request: a web role with the page cache off, on the API above.
const webPort = await freePort();
const uncached = await startPlatform(
  loadConfig({
    ROLE: 'web',
    PORT: String(webPort),
    API_URL: platform.url,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    PAGE_CACHE_SIZE: '0',
    // a render rate, not the overload policy: on a busy machine the expected wait passes
    // HTTP_QUEUE_WAIT_MS and renders were refused (503); 10 connections fit the queue
    HTTP_QUEUE_WAIT_MS: '0',
    SESSION_SECRET: 'bench-web-session-secret-0123456789abcdef',
    LOG_LEVEL: 'error',
  }),
  createLogger({ level: 'error' }),
);
// And as `--role all` renders them (the default deployment): the API's services called in
// memory, no HTTP between rendering and the API. Page cache off too.
const allPort = await freePort();
const uncachedAll = await startPlatform(
  loadConfig({
    ROLE: 'all',
    PORT: String(allPort),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: database.url,
    SEED_DEMO: 'never',
    PAGE_CACHE_SIZE: '0',
    // a render rate, not the overload policy: on a busy machine the expected wait passes
    // HTTP_QUEUE_WAIT_MS and renders were refused (503); 10 connections fit the queue
    HTTP_QUEUE_WAIT_MS: '0',
    SESSION_SECRET: 'bench-web-session-secret-0123456789abcdef',
    LOG_LEVEL: 'error',
  }),
  createLogger({ level: 'error' }),
);
const pageUrl = `${platform.url}/r/${slug}`;
const first = await fetch(pageUrl);
if (first.status !== 200) throw new Error(`GET ${pageUrl}: ${first.status}`);
const html = Buffer.from(await first.arrayBuffer());

// --- 1. throughput: SSR vs the same bytes from a bare server -------------------------------
const bare = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': html.length });
  res.end(html);
});
await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/r/${slug}`;

// Every server is asked as PUBLIC_URL's host, as a browser would (another host is redirected there).
const headers = { host: new URL(platform.url).host };
/**
 * req/s and latency, and the CPU the servers' thread spent per answer. On a busy machine the
 * rate follows whatever else runs; the CPU per answer (this thread's own, not the load
 * generator's) much less: compare runs by it.
 */
const load = async (url: string) => {
  // The load generator in its own thread, so it does not share the servers' event loop.
  await autocannon({ url, headers, connections, duration: 2, workers: 1 }); // warm up (JIT, pools, caches)
  const cpu = process.threadCpuUsage();
  const r = await autocannon({ url, headers, connections, duration: seconds, workers: 1 });
  const used = process.threadCpuUsage(cpu);
  if (r.non2xx) throw new Error(`${url}: ${r.non2xx} non-2xx answers (${JSON.stringify(r.statusCodeStats)})`);
  const cpuMs = (used.user + used.system) / 1000 / Math.max(1, r.requests.total);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, cpuMs: Number(cpuMs.toFixed(3)) };
};
const rendered = await load(`${uncached.url}/r/${slug}`);
const renderedAll = await load(`${uncachedAll.url}/r/${slug}`);
const cached = await load(pageUrl);
const theirs = await load(bareUrl);

// --- 2. LCP in headless Chromium -------------------------------------------------------------
const lcps: number[] = [];
const ttfbs: number[] = [];
if (chromiumPath) {
  const browser = await launchBrowser();
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(pageUrl, { waitUntil: 'load' });
    // (a browser-side script, as text: this file is type-checked against Node's globals)
    const { lcp, ttfb } = (await page.evaluate(`new Promise((resolve) => {
      const nav = performance.getEntriesByType('navigation')[0];
      new PerformanceObserver((list) => {
        const entries = list.getEntries();
        resolve({ lcp: entries[entries.length - 1].startTime, ttfb: nav.responseStart });
      }).observe({ type: 'largest-contentful-paint', buffered: true });
    })`)) as { lcp: number; ttfb: number };
    lcps.push(lcp);
    ttfbs.push(ttfb);
    await context.close();
  }
  await browser.close();
}

const percent = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;
console.log(`\nWeb benchmark — GET /r/${slug} (${html.length} bytes of HTML), ${connections} connections, ${seconds} s per side`);
console.log(
  table(
    ['recipe page', 'req/s', 'p50 ms', 'p99 ms', 'CPU ms/req'],
    [
      ['rendered for every request (page cache off)', rendered.rps, rendered.p50, rendered.p99, rendered.cpuMs],
      ['  the same, API in process (--role all)', renderedAll.rps, renderedAll.p50, renderedAll.p99, renderedAll.cpuMs],
      ['visitors, page cache on (the default)', cached.rps, cached.p50, cached.p99, cached.cpuMs],
      ['bare Node server, same HTML', theirs.rps, theirs.p50, theirs.p99, theirs.cpuMs],
      ['ratio rendered / bare', percent(rendered.rps / theirs.rps), '', '', ''],
      ['ratio page cache / bare', percent(cached.rps / theirs.rps), '', '', ''],
      // what one core would serve if rendering had it to itself (1000 / CPU ms per answer)
      ['rendered, req/s per core of server CPU', Math.round(1000 / rendered.cpuMs), '', '', ''],
    ],
  ),
);
if (lcps.length) {
  const l = percentiles(lcps);
  const t = percentiles(ttfbs);
  console.log(
    '\n' +
      table(
        [`headless Chromium, ${loads} cold loads`, 'p50', 'max'],
        [
          ['Largest Contentful Paint (ms)', l.p50, Math.max(...lcps)],
          ['time to first byte (ms)', t.p50, Math.max(...ttfbs)],
        ],
      ),
  );
} else {
  console.log('\nLCP skipped: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH).');
}
console.log('Targets: SSR throughput ≥ 40% of the bare server; LCP < 1000 ms.');

await new Promise((r) => bare.close(r));
await uncached.stop();
await uncachedAll.stop();
await platform.stop();
await database.stop();
