import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { tuneImageLibrary } from '../../apps/img/src/index.ts';

describe('tuneImageLibrary', () => {
  const threads = sharp.concurrency();
  afterAll(() => {
    sharp.concurrency(threads);
    sharp.cache(true);
  });

  it('gives each render one libvips thread and turns the operation cache off by default', () => {
    tuneImageLibrary({ threads: 1, vipsCacheMb: 0 });
    expect(sharp.concurrency()).toBe(1);
    expect(sharp.cache().memory.max).toBe(0);
    expect(sharp.cache().items.max).toBe(0);
  });

  it('keeps a cache of the size asked for', () => {
    tuneImageLibrary({ threads: 2, vipsCacheMb: 30 });
    expect(sharp.concurrency()).toBe(2);
    expect(sharp.cache().memory.max).toBe(30);
  });
});
