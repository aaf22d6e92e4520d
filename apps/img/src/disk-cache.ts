import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LRUCache } from 'lru-cache';
import { etagOf } from './etag.ts';

interface Entry {
  size: number;
  /** The file's mtime as we last set or found it (ms): its last use, to within `touchAfterMs`. */
  usedAt: number;
  /** The strong validator, computed once per entry rather than per request. */
  etag: string | null;
}

/** A hit moves a file's mtime forward at most this often: one write per hot image per minute. */
const touchAfterMs = 60_000;

/**
 * Rendered images on disk, bounded in bytes: when a write takes the total over the limit,
 * the least recently used files go. The order lives in memory and in the files' mtimes,
 * which a hit moves forward, so it survives a restart: the index is rebuilt from the
 * directory, oldest mtime first.
 */
export class DiskCache {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #entries: LRUCache<string, Entry>;
  /** Removals of evicted files, awaited by the write that evicted them. */
  #removals: Array<Promise<void>> = [];

  private constructor(dir: string, maxBytes: number) {
    this.#dir = dir;
    this.#maxBytes = maxBytes;
    this.#entries = new LRUCache<string, Entry>({
      maxSize: maxBytes,
      sizeCalculation: (entry) => entry.size,
      dispose: (_entry, key, reason) => {
        if (reason === 'evict') this.#removals.push(rm(this.#file(key), { force: true }));
      },
    });
  }

  static async open(dir: string, maxBytes: number): Promise<DiskCache> {
    const cache = new DiskCache(path.resolve(dir), maxBytes);
    await mkdir(cache.#dir, { recursive: true });
    const found: Array<{ key: string; size: number; mtime: number }> = [];
    for (const shard of await readdir(cache.#dir).catch(() => [])) {
      for (const name of await readdir(path.join(cache.#dir, shard)).catch(() => [])) {
        if (name.endsWith('.part')) continue;
        const s = await stat(path.join(cache.#dir, shard, name)).catch(() => null);
        if (s?.isFile()) found.push({ key: name, size: s.size, mtime: s.mtimeMs });
      }
    }
    for (const f of found.sort((a, b) => a.mtime - b.mtime))
      await cache.#remember(f.key, { size: f.size, usedAt: f.mtime, etag: null });
    return cache;
  }

  get bytes(): number {
    return this.#entries.calculatedSize;
  }

  #file(key: string): string {
    return path.join(this.#dir, key.slice(0, 2), key);
  }

  /** Indexes a file that is on disk; files that could never fit are removed instead. */
  async #remember(key: string, entry: Entry): Promise<void> {
    if (entry.size === 0 || entry.size > this.#maxBytes) {
      this.#entries.delete(key);
      await rm(this.#file(key), { force: true });
      return;
    }
    this.#entries.set(key, entry);
    const removals = this.#removals;
    this.#removals = [];
    await Promise.all(removals);
  }

  async get(key: string): Promise<{ data: Buffer; etag: string } | null> {
    const entry = this.#entries.get(key);
    if (!entry) return null;
    const file = this.#file(key);
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch {
      if (this.#entries.peek(key) === entry) this.#entries.delete(key);
      return null;
    }
    entry.etag ??= etagOf(data);
    const now = Date.now();
    if (now - entry.usedAt >= touchAfterMs) {
      entry.usedAt = now;
      // Only the order after a restart depends on it: a failure costs nothing now.
      await utimes(file, new Date(now), new Date(now)).catch(() => undefined);
    }
    return { data, etag: entry.etag };
  }

  async set(key: string, data: Buffer, etag = etagOf(data)): Promise<void> {
    if (data.length > this.#maxBytes) return; // it would push out everything else, itself included
    const file = this.#file(key);
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
    await writeFile(temp, data);
    await rename(temp, file);
    await this.#remember(key, { size: data.length, usedAt: Date.now(), etag });
  }
}
