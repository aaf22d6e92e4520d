/**
 * Image benchmark, one run, side by side:
 *  - cache-miss resize latency through GET /_img (storage read, render, cache write) vs a
 *    direct sharp call with the same image and options;
 *  - cache-hit throughput vs a bare Node server sending the same bytes from a file;
 *  - peak RSS while 50 misses arrive at once.
 *
 *   npm run bench:images [-- --misses 40 --seconds 5]
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import sharp from 'sharp';
import { imageSizes } from '../apps/api/src/images/urls.ts';
import { artworkJpeg } from '../apps/server/src/demo/artwork.ts';
import { DiskCache, registerResizer, renderImage } from '../apps/img/src/index.ts';
import { buildPath, DirectoryStorage, keysFromHex, sign, storageKeys } from '../packages/media/src/index.ts';
import { createLogger, createMetrics } from '../packages/platform/src/index.ts';
import { percentiles, table } from './stats.ts';

const { values: args } = parseArgs({
  options: { misses: { type: 'string', default: '60' }, seconds: { type: 'string', default: '5' } },
});
const misses = Number(args.misses);
const seconds = Number(args.seconds);

const dir = await mkdtemp(path.join(tmpdir(), 'yeet-bench-img-'));
const storage = new DirectoryStorage(path.join(dir, 'images'));
const keys = keysFromHex('ab'.repeat(32), 'cd'.repeat(32));
// A 2000×1500 photo-sized original (artwork scaled up, re-encoded as a camera would).
const original = await sharp(await artworkJpeg('Benchmark Paella'))
  .resize(2000, 1500)
  .jpeg({ quality: 90 })
  .toBuffer();
const ids = Array.from({ length: misses + 60 }, () => randomUUID());
for (const id of ids) await storage.put(storageKeys.original(id), original, 'image/jpeg');
const options = { resize: 'fill' as const, width: 640, height: 480, gravity: 'sm' as const };
const urlPath = (id: string) => {
  const p = buildPath(storage.sourceUrl(storageKeys.original(id)), options);
  return `/_img/${sign(p, keys)}${p}`;
};

const app = Fastify({ logger: false });
const metrics = createMetrics({ defaultMetrics: false });
registerResizer(app, {
  storage,
  keys,
  cache: await DiskCache.open(path.join(dir, 'cache'), 512 * 1024 * 1024),
  sizes: imageSizes,
  maxPixels: 40_000_000,
  concurrency: 2,
  queue: 64,
  logger: createLogger({ level: 'silent' }),
  metrics,
});
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const accept = { accept: 'image/webp,*/*' };

// --- 1. misses: endpoint vs sharp, alternating, one at a time -----------------------------
const full = { ...options, enlarge: false, quality: null, format: null };
for (let i = 0; i < 3; i++) await renderImage(original, full, 'webp', 40_000_000); // warm up libvips
const endpoint: number[] = [];
const direct: number[] = [];
for (let i = 0; i < misses; i++) {
  let t = performance.now();
  const res = await fetch(`${base}${urlPath(ids[i]!)}`, { headers: accept });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  endpoint.push(performance.now() - t);
  t = performance.now();
  await sharp(original, { limitInputPixels: 40_000_000 })
    .rotate()
    .resize({ width: 640, height: 480, fit: 'cover', position: sharp.strategy.attention })
    .webp({ quality: 80 })
    .toBuffer();
  direct.push(performance.now() - t);
}

// --- 2. hits: our cached endpoint vs a bare Node static file server ----------------------
const cachedUrl = `${base}${urlPath(ids[0]!)}`;
const cachedBytes = Buffer.from(await (await fetch(cachedUrl, { headers: accept })).arrayBuffer());
const staticFile = path.join(dir, 'static.webp');
await writeFile(staticFile, cachedBytes);
const bare = http.createServer(async (_req, res) => {
  const body = await readFile(staticFile);
  res.writeHead(200, { 'content-type': 'image/webp', 'content-length': body.length });
  res.end(body);
});
await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/static.webp`;
const load = (url: string) =>
  autocannon({ url, connections: 10, duration: seconds, headers: accept }).then((r) => ({
    rps: r.requests.average,
    p99: r.latency.p99,
  }));
const ours = await load(cachedUrl);
const theirs = await load(bareUrl);

// --- 3. peak RSS during 50 simultaneous misses ---------------------------------------------
global.gc?.();
const before = process.memoryUsage().rss;
let peak = before;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
const burst = ids.slice(misses, misses + 50);
const started = performance.now();
const statuses = await Promise.all(burst.map(async (id) => (await fetch(`${base}${urlPath(id)}`, { headers: accept })).status));
const burstMs = performance.now() - started;
clearInterval(sampler);

const e = percentiles(endpoint);
const d = percentiles(direct);
const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
console.log(
  `\nImage benchmark — 2000×1500 JPEG original → 640×480 smart crop, WebP; ${misses} misses, ${seconds} s load per side`,
);
console.log(
  table(
    ['measure', 'p50', 'p95', 'p99'],
    [
      ['cache miss via GET /_img (ms)', e.p50, e.p95, e.p99],
      ['direct sharp call (ms)', d.p50, d.p95, d.p99],
      ['ratio endpoint / sharp', e.p50 / d.p50, e.p95 / d.p95, e.p99 / d.p99],
    ],
  ),
);
console.log(
  '\n' +
    table(
      ['cache hits, 10 connections', 'req/s', 'p99 ms'],
      [
        ['GET /_img (disk cache)', ours.rps, ours.p99],
        ['bare Node server, same file', theirs.rps, theirs.p99],
        ['ratio ours / bare', ours.rps / theirs.rps, ''],
      ],
    ),
);
console.log(
  `\n50 simultaneous misses: ${statuses.filter((s) => s === 200).length} × 200 in ${Math.round(burstMs)} ms; ` +
    `RSS ${mb(before)} before, peak ${mb(peak)} (+${mb(peak - before)}); render concurrency 2, queue 64`,
);
console.log('Targets: miss p95 ≤ 1.2× direct sharp; hit throughput ≥ 50% of the bare server.');

await app.close();
await new Promise((r) => bare.close(r));
await rm(dir, { recursive: true, force: true });
