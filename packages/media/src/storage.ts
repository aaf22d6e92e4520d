import type { Readable } from 'node:stream';

/**
 * Where image bytes live: originals under `originals/<id>`, uploads in progress under
 * `uploads/<id>`; data export archives under `exports/<id>`. Two implementations: a directory
 * (the embedded default) and S3.
 */
export interface ObjectStorage {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** Stores the local file `file` under `key`, streamed (archives may be larger than memory should hold). */
  putFile(key: string, file: string, contentType: string): Promise<void>;
  /** The object's bytes as a stream and their size, or null when there is no such object. */
  stream(key: string): Promise<{ body: Readable; size: number } | null>;
  /** null when there is no such object. */
  get(key: string): Promise<Buffer | null>;
  /** Byte size, or null when there is no such object. */
  size(key: string): Promise<number | null>;
  delete(key: string): Promise<void>;
  /**
   * Where a client may PUT the bytes of `key` directly (S3 presigned URL), or null when
   * uploads must go through the platform's own endpoint.
   */
  presignPut(
    key: string,
    options: { expiresInSeconds: number; contentType: string },
  ): Promise<{ url: string; headers: Record<string, string> } | null>;
  /** The source URL a real imgproxy would use for `key` (local:// or s3://). */
  sourceUrl(key: string): string;
  /** The key behind a source URL minted by `sourceUrl`, or null if it is not ours. */
  keyOf(sourceUrl: string): string | null;
}

/** Keys are ours alone: a fixed prefix and an id, nothing a client chose. */
export const storageKeys = {
  upload: (id: string) => `uploads/${id}`,
  original: (id: string) => `originals/${id}`,
  export: (id: string) => `exports/${id}`,
};

export function assertSafeKey(key: string): void {
  if (!/^(uploads|originals|exports)\/[0-9a-f-]{36}$/.test(key)) throw new Error(`not a storage key: ${key}`);
}
