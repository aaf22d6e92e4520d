import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { buildUrl, DirectoryStorage, keysFromHex, storageKeys, type ProcessingOptions } from '@yeet/media';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../support/images.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const key = 'ab'.repeat(32);
const salt = 'cd'.repeat(32);
let t: TestPlatform;
let storage: DirectoryStorage;

beforeAll(async () => {
  // The img role alone, one render at a time and none waiting: a second render is refused.
  t = await startTestPlatform({
    ROLE: 'img',
    IMGPROXY_KEY: key,
    IMGPROXY_SALT: salt,
    IMAGE_CONCURRENCY: '1',
    IMAGE_QUEUE: '0',
    DATA_DIR: `/tmp/yeet-resizer-test-${process.pid}`,
  });
  const { storage: where } = t.config.images;
  if (where.kind !== 'dir') throw new Error('the test expects directory storage');
  storage = new DirectoryStorage(where.dir);
});
afterAll(async () => {
  await t?.stop();
  await rm(t.config.dataDir, { recursive: true, force: true });
});

/** Stores `original` as the img role's storage would hold it; returns a signed URL maker. */
async function stored(original: Buffer) {
  const id = randomUUID();
  await storage.put(storageKeys.original(id), original, 'image/jpeg');
  return (options: Partial<ProcessingOptions>) =>
    buildUrl(`${t.baseUrl}/_img`, storage.sourceUrl(storageKeys.original(id)), options, keysFromHex(key, salt));
}

describe('the resizer over HTTP', () => {
  it('answers 503 with Retry-After while the render queue is full, and renders on a retry', async () => {
    // Noise at 3000×2000 takes far longer to render as AVIF than a second request takes to arrive.
    const noise = await sharp({
      create: { width: 3000, height: 2000, channels: 3, background: '#888', noise: { type: 'gaussian', mean: 128, sigma: 40 } },
    })
      .jpeg()
      .toBuffer();
    const url = await stored(noise);
    const [large, medium] = [url({ resize: 'fill', width: 1280, height: 960 }), url({ resize: 'fill', width: 960, height: 720 })];
    const responses = await Promise.all([large, medium].map((u) => fetch(u, { headers: { accept: 'image/avif' } })));
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 503]);
    const refused = responses.filter((r) => r.status === 503);
    expect(refused.map((r) => [r.headers.get('retry-after'), r.headers.get('cache-control')])).toEqual([['2', 'no-store']]);
    const retries = await Promise.all(refused.map((r) => fetch(r.url, { headers: { accept: 'image/avif' } })));
    expect(retries.map((r) => [r.status, r.headers.get('content-type')])).toEqual([[200, 'image/avif']]);
  });

  it('honours q=0 in Accept, and varies on Accept only when the URL leaves the format open', async () => {
    const url = await stored(await fixtures.jpeg());
    const open = await fetch(url({ resize: 'fit', width: 320 }), {
      headers: { accept: 'image/avif;q=0, image/webp, */*;q=0.5' },
    });
    expect(open.headers.get('content-type')).toBe('image/webp');
    expect(open.headers.get('vary')).toBe('Accept');
    const named = await fetch(url({ resize: 'fit', width: 320, format: 'png' }), { headers: { accept: 'image/avif' } });
    expect(named.headers.get('content-type')).toBe('image/png');
    expect(named.headers.get('vary')).toBeNull();
  });

  it('answers 304 to an If-None-Match list, a weak tag or *, with the headers a 200 would have', async () => {
    const url = (await stored(await fixtures.jpeg()))({ resize: 'fit', width: 480 });
    const etag = (await fetch(url, { headers: { accept: 'image/webp' } })).headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    for (const ifNoneMatch of [`"stale", ${etag}`, `W/${etag}`, '*']) {
      const res = await fetch(url, { headers: { accept: 'image/webp', 'if-none-match': ifNoneMatch } });
      expect(res.status, ifNoneMatch).toBe(304);
      expect(res.headers.get('etag')).toBe(etag);
      expect(res.headers.get('vary')).toBe('Accept');
    }
    expect((await fetch(url, { headers: { accept: 'image/webp', 'if-none-match': '"stale", W/"older"' } })).status).toBe(200);
  });
});
