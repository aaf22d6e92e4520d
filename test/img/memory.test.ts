import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildPath, DirectoryStorage, keysFromHex, sign, storageKeys } from '@yeet/media';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformProcess, sampleRss, startProcess } from '../../bench/load/platform.ts';

const key = 'ab'.repeat(32);
const salt = 'cd'.repeat(32);
/**
 * The img role alone, started as the image starts it, peaked at ~270 MB here, and at ~345 MB
 * with the settings before decision 0026 (a libvips thread per core, its operation cache,
 * glibc's arenas, V8's default young generation): a bound between the two, loose enough for CI.
 */
const boundBytes = 330 * 1024 * 1024;

let dir: string;
let img: PlatformProcess;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'yeet-img-memory-'));
  // startProcess starts it with the memory settings of the container image (Containerfile ENV).
  img = await startProcess('img', { DATA_DIR: dir, IMGPROXY_KEY: key, IMGPROXY_SALT: salt });
}, 120_000);
afterAll(async () => {
  await img?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the img role under a burst of uncached renders', () => {
  it('stays within its memory bound', async () => {
    const storage = new DirectoryStorage(path.join(dir, 'images'));
    const urls: string[] = [];
    for (const [width, height] of [
      [4000, 3000],
      [6000, 4000],
    ] as const) {
      for (let i = 0; i < 3; i++) {
        const id = randomUUID();
        const photo = await sharp({
          create: { width, height, channels: 3, background: '#a86', noise: { type: 'gaussian', mean: 128, sigma: 30 } },
        })
          .jpeg({ quality: 85 })
          .toBuffer();
        await storage.put(storageKeys.original(id), photo, 'image/jpeg');
        for (const [w, h] of [
          [320, 240],
          [640, 480],
          [1280, 960],
        ] as const) {
          const p = buildPath(storage.sourceUrl(storageKeys.original(id)), {
            resize: 'fill',
            width: w,
            height: h,
            format: 'webp',
          });
          urls.push(`${img.url}/_img/${sign(p, keysFromHex(key, salt))}${p}`);
        }
      }
    }
    const rss = sampleRss(() => img.child.pid, 50);
    let next = 0;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < urls.length) {
          const res = await fetch(urls[next++]!, { signal: AbortSignal.timeout(60_000) });
          await res.arrayBuffer();
          statuses.push(res.status);
        }
      }),
    );
    await rss.stop();
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    console.log(`img role peak RSS ${Math.round(rss.peak / 1024 / 1024)} MB over ${rss.samples} samples`);
    expect(rss.peak).toBeGreaterThan(0);
    expect(rss.peak).toBeLessThan(boundBytes);
  }, 240_000);
});
