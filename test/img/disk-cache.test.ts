import { mkdtemp, readdir, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskCache } from '../../apps/img/src/disk-cache.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'yeet-disk-cache-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const kb = (fill: number) => Buffer.alloc(1000, fill);
const file = (key: string) => path.join(dir, key.slice(0, 2), key);
const onDisk = async () => (await Promise.all((await readdir(dir)).map((shard) => readdir(path.join(dir, shard))))).flat().sort();
/** Sets a file's mtime as if it had last been used `minutesAgo`. */
const usedAgo = (key: string, minutesAgo: number) => {
  const t = new Date(Date.now() - minutesAgo * 60_000);
  return utimes(file(key), t, t);
};

describe('DiskCache', () => {
  it('serves what it wrote, with a strong ETag', async () => {
    const cache = await DiskCache.open(dir, 10_000);
    await cache.set('aa.webp', kb(1));
    const hit = await cache.get('aa.webp');
    expect(hit?.data).toEqual(kb(1));
    expect(hit?.etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(await cache.get('bb.webp')).toBeNull();
  });

  it('evicts the least recently used file past its size, not the least recently written', async () => {
    const cache = await DiskCache.open(dir, 3000);
    await cache.set('aa.webp', kb(1));
    await cache.set('bb.webp', kb(2));
    await cache.set('cc.webp', kb(3));
    await cache.get('aa.webp');
    await cache.set('dd.webp', kb(4));
    expect(await onDisk()).toEqual(['aa.webp', 'cc.webp', 'dd.webp']);
    expect(await cache.get('bb.webp')).toBeNull();
    expect(cache.bytes).toBe(3000);
  });

  it('keeps the order of use across a restart: a hit moves the mtime forward', async () => {
    const first = await DiskCache.open(dir, 3000);
    await first.set('aa.webp', kb(1));
    await first.set('bb.webp', kb(2));
    await first.set('cc.webp', kb(3));
    await usedAgo('aa.webp', 30);
    await usedAgo('bb.webp', 20);
    await usedAgo('cc.webp', 10);

    const second = await DiskCache.open(dir, 3000);
    expect((await second.get('aa.webp'))?.data).toEqual(kb(1)); // aa: written first, used last

    const third = await DiskCache.open(dir, 3000);
    await third.set('dd.webp', kb(4));
    expect(await onDisk()).toEqual(['aa.webp', 'cc.webp', 'dd.webp']);
  });

  it('touches a file at most once a minute', async () => {
    const first = await DiskCache.open(dir, 3000);
    await first.set('aa.webp', kb(1));
    await usedAgo('aa.webp', 0.5);
    const before = (await stat(file('aa.webp'))).mtimeMs;
    const second = await DiskCache.open(dir, 3000);
    await second.get('aa.webp');
    expect((await stat(file('aa.webp'))).mtimeMs).toBe(before);
    await usedAgo('aa.webp', 2);
    const third = await DiskCache.open(dir, 3000);
    await third.get('aa.webp');
    expect((await stat(file('aa.webp'))).mtimeMs).toBeGreaterThan(Date.now() - 10_000);
  });

  it('opens over a smaller limit by dropping the least recently used files', async () => {
    const first = await DiskCache.open(dir, 3000);
    for (const key of ['aa.webp', 'bb.webp', 'cc.webp']) await first.set(key, kb(1));
    await usedAgo('bb.webp', 10);
    const smaller = await DiskCache.open(dir, 2000);
    expect(await onDisk()).toEqual(['aa.webp', 'cc.webp']);
    expect(smaller.bytes).toBe(2000);
  });

  it('does not keep a file larger than the whole cache, nor flush the others for it', async () => {
    const cache = await DiskCache.open(dir, 3000);
    await cache.set('aa.webp', kb(1));
    await cache.set('bb.webp', Buffer.alloc(4000));
    expect(await cache.get('bb.webp')).toBeNull();
    expect(await onDisk()).toEqual(['aa.webp']);
  });
});
