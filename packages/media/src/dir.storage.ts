import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import path from 'node:path';
import { assertSafeKey, type ObjectStorage } from './storage.ts';

/**
 * Objects as files under one directory. A real imgproxy serves the same files with
 * IMGPROXY_LOCAL_FILESYSTEM_ROOT=<dir> and `local:///<key>` sources.
 */
export class DirectoryStorage implements ObjectStorage {
  readonly #root: string;

  constructor(root: string) {
    this.#root = path.resolve(root);
  }

  #file(key: string): string {
    assertSafeKey(key);
    return path.join(this.#root, key);
  }

  async put(key: string, body: Buffer, _contentType?: string): Promise<void> {
    const file = this.#file(key);
    await mkdir(path.dirname(file), { recursive: true });
    // Write then rename: a reader never sees half a file. Each write has its own temporary
    // file, so concurrent puts of one key cannot interleave or rename each other's away.
    const temp = `${file}.${randomUUID()}.part`;
    try {
      await writeFile(temp, body);
      await rename(temp, file);
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
  }

  async putFile(key: string, source: string, _contentType?: string): Promise<void> {
    const file = this.#file(key);
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomUUID()}.part`;
    try {
      await copyFile(source, temp);
      await rename(temp, file);
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
  }

  async stream(key: string): Promise<{ body: Readable; size: number } | null> {
    const file = this.#file(key);
    try {
      const { size } = await stat(file);
      return { body: createReadStream(file), size };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.#file(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.#file(key))).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.#file(key), { force: true });
  }

  async presignPut(): Promise<null> {
    return null;
  }

  sourceUrl(key: string): string {
    assertSafeKey(key);
    return `local:///${key}`;
  }

  keyOf(sourceUrl: string): string | null {
    if (!sourceUrl.startsWith('local:///')) return null;
    const key = sourceUrl.slice('local:///'.length);
    try {
      assertSafeKey(key);
      return key;
    } catch {
      return null;
    }
  }
}
