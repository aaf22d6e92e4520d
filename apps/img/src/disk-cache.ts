import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Rendered images on disk, bounded in bytes: when a write takes the total over the limit,
 * the least recently used files go. The index lives in memory and is rebuilt from the
 * directory at start (file mtimes stand in for last use).
 */
export class DiskCache {
  readonly #dir: string;
  readonly #maxBytes: number;
  /** key → size; Map order is recency (first = least recently used). */
  readonly #entries = new Map<string, number>();
  /** Strong validators, computed once per entry rather than per request. */
  readonly #etags = new Map<string, string>();
  #bytes = 0;

  private constructor(dir: string, maxBytes: number) {
    this.#dir = dir;
    this.#maxBytes = maxBytes;
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
    for (const f of found.sort((a, b) => a.mtime - b.mtime)) cache.#remember(f.key, f.size);
    await cache.#evict();
    return cache;
  }

  get bytes(): number {
    return this.#bytes;
  }

  #file(key: string): string {
    return path.join(this.#dir, key.slice(0, 2), key);
  }

  #remember(key: string, size: number): void {
    this.#bytes += size - (this.#entries.get(key) ?? 0);
    this.#entries.delete(key);
    this.#entries.set(key, size);
  }

  async get(key: string): Promise<{ data: Buffer; etag: string } | null> {
    if (!this.#entries.has(key)) return null;
    try {
      const data = await readFile(this.#file(key));
      this.#remember(key, data.length);
      let etag = this.#etags.get(key);
      if (!etag) this.#etags.set(key, (etag = etagOf(data)));
      return { data, etag };
    } catch {
      this.#forget(key);
      return null;
    }
  }

  async set(key: string, data: Buffer, etag = etagOf(data)): Promise<void> {
    const file = this.#file(key);
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
    await writeFile(temp, data);
    await rename(temp, file);
    this.#remember(key, data.length);
    this.#etags.set(key, etag);
    await this.#evict();
  }

  #forget(key: string): void {
    this.#bytes -= this.#entries.get(key) ?? 0;
    this.#entries.delete(key);
    this.#etags.delete(key);
  }

  async #evict(): Promise<void> {
    while (this.#bytes > this.#maxBytes && this.#entries.size > 0) {
      const oldest = this.#entries.keys().next().value!;
      this.#forget(oldest);
      await rm(this.#file(oldest), { force: true });
    }
  }
}

/** A strong validator: the content's hash. */
export function etagOf(data: Buffer): string {
  return `"${createHash('sha256').update(data).digest('base64url').slice(0, 32)}"`;
}
