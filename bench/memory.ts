/**
 * Memory of one `--role all` process, phase by phase, under each configuration side by side
 * in one run: the same process (demo catalogue, embedded PostgreSQL) started once per
 * variant on the same data, then driven through idle → page loads → searches → photo renders
 * through /_img (originals of 2, 12 and 24 megapixels, every size and format uncached) →
 * idle again. A preload (bench/memory-sampler.ts) samples process.memoryUsage() inside the
 * process every 100 ms: peak RSS per phase beside the V8 heap, external and array buffers,
 * and the throughput of each phase, so a memory saving can be weighed against its cost.
 *
 *   npm run build && npm exec -- node bench/memory.ts [--variants baseline,shipped,semi16 --renders 4]
 *
 * Variants (environment of the process under test):
 *   baseline  as before issue 14: libvips' defaults (operation cache on, a thread per core),
 *             glibc's malloc arenas, V8's young generation as Node sizes it
 *   shipped   what the container image runs: IMAGE_VIPS_CACHE_MB=0 and IMAGE_THREADS=1 (the
 *             defaults), MALLOC_ARENA_MAX=2, MALLOC_MMAP_THRESHOLD_=1048576, node --max-semi-space-size=8
 *   growing   shipped without the fixed mmap threshold (as before decision 0048)
 *   vips      the libvips defaults alone; arena: MALLOC_ARENA_MAX=2 alone
 *   semi16    shipped with 16 MB semi-spaces
 *   postgres  shipped with SEARCH_ENGINE=postgres: the in-memory search index's share, by difference
 *   mmap128k  shipped with the mmap threshold at 128 KB
 * The machine is shared: compare the variants of one run with each other, not across runs.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { artworkJpeg } from '../apps/server/src/demo/artwork.ts';
import { buildPath, DirectoryStorage, keysFromHex, sign, storageKeys } from '../packages/media/src/index.ts';
import { catalogue } from './load/fixtures.ts';
import { assertWebBuilt, queueDrained, root, startProcess } from './load/platform.ts';
import { table } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    variants: { type: 'string', default: 'baseline,shipped,postgres' },
    'data-dir': { type: 'string', default: '/tmp/yeet-bench-memory' },
    /** Originals per size (2, 12, 24 MP); each is rendered at 3 sizes × 3 formats. */
    renders: { type: 'string', default: '4' },
    pages: { type: 'string', default: '400' },
    searches: { type: 'string', default: '600' },
  },
});

// startProcess starts every variant with the image's glibc settings (glibcAsShipped); '' leaves one out.
const glibcDefaults = { MALLOC_ARENA_MAX: '', MALLOC_MMAP_THRESHOLD_: '' };
const variants: Record<string, Record<string, string>> = {
  baseline: { IMAGE_VIPS_CACHE_MB: '50', IMAGE_THREADS: String(cpus().length), ...glibcDefaults },
  shipped: { NODE_FLAGS: '--max-semi-space-size=8' },
  // As shipped before decision 0048: glibc's mmap threshold left to grow (after each large free, up to 32 MB).
  growing: { MALLOC_MMAP_THRESHOLD_: '', NODE_FLAGS: '--max-semi-space-size=8' },
  vips: { ...glibcDefaults },
  arena: { IMAGE_VIPS_CACHE_MB: '50', IMAGE_THREADS: String(cpus().length), MALLOC_MMAP_THRESHOLD_: '' },
  // V8's young generation: by default up to 64 MB a semi-space on a machine with memory to spare.
  semi16: { NODE_FLAGS: '--max-semi-space-size=16' },
  postgres: { NODE_FLAGS: '--max-semi-space-size=8', SEARCH_ENGINE: 'postgres' },
  // A lower fixed threshold: more of the page work's buffers become mappings of their own.
  mmap128k: { MALLOC_MMAP_THRESHOLD_: '131072', NODE_FLAGS: '--max-semi-space-size=8' },
};
const chosen = args.variants.split(',').map((v) => {
  const env = variants[v];
  if (!env) throw new Error(`unknown variant ${v}: use ${Object.keys(variants).join(', ')}`);
  return { name: v, env };
});

assertWebBuilt();
const dataDir = path.resolve(args['data-dir']);
await mkdir(dataDir, { recursive: true });
const keyHex = 'ab'.repeat(32);
const saltHex = 'cd'.repeat(32);
const keys = keysFromHex(keyHex, saltHex);

// Photos as a camera would leave them: artwork scaled up and re-encoded, with noise so they compress like photos.
const storage = new DirectoryStorage(path.join(dataDir, 'images'));
const photoSizes = [
  [1600, 1200],
  [4000, 3000],
  [6000, 4000],
] as const;
// Made once per data directory (drawing 24 MP photos takes a while), then reused.
const photosFile = path.join(dataDir, `photos-${args.renders}.json`);
const originals: Array<{ id: string; mp: number }> = JSON.parse(await readFile(photosFile, 'utf8').catch(() => '[]'));
for (const [w, h] of originals.length ? [] : photoSizes) {
  for (let i = 0; i < Number(args.renders); i++) {
    const id = randomUUID();
    const photo = await sharp(await artworkJpeg(`Memory ${w}x${h} ${i}`))
      .resize(w, h)
      .composite([{ input: await noise(w, h, i), blend: 'overlay' }])
      .jpeg({ quality: 90 })
      .toBuffer();
    await storage.put(storageKeys.original(id), photo, 'image/jpeg');
    originals.push({ id, mp: Math.round((w * h) / 1e6) });
  }
}
await writeFile(photosFile, JSON.stringify(originals));

async function noise(w: number, h: number, seed: number): Promise<Buffer> {
  const raw = Buffer.alloc(w * h);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < raw.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    raw[i] = 96 + (x >>> 25);
  }
  return sharp(raw, { raw: { width: w, height: h, channels: 1 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

const renderSizes = [
  [320, 240],
  [640, 480],
  [1280, 960],
] as const;
const accepts = ['image/avif,image/webp,*/*', 'image/webp,*/*', 'image/jpeg,*/*'];
const words = ['chicken', 'pasta', 'soup', 'curry', 'salad', 'cake', 'rice', 'beans', 'tomato', 'lemon', 'bread', 'pie'];

interface Sample {
  t: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  newSpace: number;
  external: number;
  arrayBuffers: number;
}
interface Phase {
  name: string;
  from: number;
  to: number;
  requests: number;
  failed: number;
}

/** `count` requests, `concurrency` at a time; counts those that did not answer 2xx. */
async function drive(count: number, concurrency: number, request: (i: number) => Promise<Response>) {
  let next = 0;
  let failed = 0;
  const loop = async () => {
    while (next < count) {
      const res = await request(next++).catch(() => null);
      if (!res?.ok) failed++;
      await res?.arrayBuffer().catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return failed;
}

const port = 18_000 + Math.floor(Math.random() * 1000);
const baseEnv = {
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  PORT: String(port),
  DATA_DIR: dataDir,
  SESSION_SECRET: 'memory-bench-session-secret-0123456789abcdef',
  TRUST_PROXY: 'true',
  SEED_DEMO: 'auto',
  IMGPROXY_KEY: keyHex,
  IMGPROXY_SALT: saltHex,
  RATE_LIMIT_PERSON: '1000000',
};

const results: Array<{ variant: string; phases: Phase[]; samples: Sample[] }> = [];
for (const variant of chosen) {
  const samplesFile = path.join(dataDir, `samples-${variant.name}.jsonl`);
  await rm(samplesFile, { force: true });
  // Nothing cached: every render below is a render.
  await rm(path.join(dataDir, 'img-cache'), { recursive: true, force: true });
  const p = await startProcess('all', {
    ...baseEnv,
    ...variant.env,
    MEMORY_SAMPLES: samplesFile,
    NODE_OPTIONS: `--import ${path.join(root, 'bench/memory-sampler.ts')} ${variant.env.NODE_FLAGS ?? ''}`.trim(),
  });
  const phases: Phase[] = [];
  const phase = async (name: string, count: number, run: () => Promise<number>) => {
    const from = Date.now();
    const failed = await run();
    phases.push({ name, from, to: Date.now(), requests: count, failed });
  };
  try {
    await queueDrained(p.url, 600_000);
    const slugs = await catalogue(p.url, 60);
    await phase('idle', 0, async () => {
      await sleep(3_000);
      return 0;
    });
    await phase('pages', Number(args.pages), () =>
      drive(Number(args.pages), 8, (i) =>
        fetch(
          `${p.url}${i % 10 === 0 ? '/' : i % 10 === 1 ? `/search?q=${words[i % words.length]}` : `/r/${slugs[i % slugs.length]}`}`,
          { headers: { 'x-forwarded-for': `10.1.${(i >> 8) & 255}.${i & 255}` } },
        ),
      ),
    );
    await phase('searches', Number(args.searches), () =>
      drive(Number(args.searches), 8, (i) => {
        const word = words[i % words.length]!;
        const suggest = i % 3 === 0;
        return fetch(`${p.url}/api/yeet.v1.SearchService/${suggest ? 'SuggestRecipes' : 'SearchRecipes'}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.2.${(i >> 8) & 255}.${i & 255}` },
          body: JSON.stringify(
            suggest ? { prefix: word.slice(0, 3 + (i % 3)), limit: 6 } : { query: word, pageSize: 10, page: 1 + (i % 3) },
          ),
        });
      }),
    );
    const jobs = originals.flatMap((o) =>
      renderSizes.flatMap(([width, height]) =>
        accepts.map((accept) => {
          const sourced = buildPath(storage.sourceUrl(storageKeys.original(o.id)), {
            resize: 'fill',
            width,
            height,
            gravity: 'sm',
          });
          return { url: `${p.url}/_img/${sign(sourced, keys)}${sourced}`, accept };
        }),
      ),
    );
    // Four at a time, as the load suite's image-cache fault asks: the limiter queues the rest.
    await phase(`renders (${originals.length} photos)`, jobs.length, () =>
      drive(jobs.length, 4, (i) =>
        fetch(jobs[i]!.url, { headers: { accept: jobs[i]!.accept }, signal: AbortSignal.timeout(60_000) }),
      ),
    );
    await phase('idle after', 0, async () => {
      await sleep(5_000);
      return 0;
    });
  } finally {
    await p.stop();
  }
  const samples = (await readFile(samplesFile, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Sample);
  results.push({ variant: variant.name, phases, samples });
  await writeFile(path.join(dataDir, `phases-${variant.name}.json`), JSON.stringify(phases));
}

const mb = (n: number) => Math.round(n / 1024 / 1024);
const rows: Array<Array<string | number>> = [];
for (const r of results) {
  for (const ph of r.phases) {
    const inPhase = r.samples.filter((s) => s.t >= ph.from && s.t <= ph.to);
    const peak = (k: keyof Sample) => (inPhase.length ? mb(Math.max(...inPhase.map((s) => s[k]))) : 0);
    const seconds = (ph.to - ph.from) / 1000;
    rows.push([
      r.variant,
      ph.name,
      peak('rss'),
      peak('heapUsed'),
      peak('heapTotal'),
      peak('newSpace'),
      peak('external'),
      peak('arrayBuffers'),
      ph.requests ? (ph.requests / seconds).toFixed(1) : '',
      ph.requests ? ph.failed : '',
    ]);
  }
  const all = r.samples;
  rows.push([
    r.variant,
    'whole run',
    mb(Math.max(...all.map((s) => s.rss))),
    mb(Math.max(...all.map((s) => s.heapUsed))),
    '',
    '',
    '',
    '',
    '',
    '',
  ]);
}
console.log(
  table(
    ['variant', 'phase', 'peak RSS MB', 'heapUsed', 'heapTotal', 'newSpace', 'external', 'arrayBuffers', 'req/s', 'failed'],
    rows,
  ),
);
