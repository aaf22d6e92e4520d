import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assertSafeKey, type ObjectStorage } from './storage.ts';

export interface S3Options {
  bucket: string;
  region: string;
  /** For S3-compatible services (MinIO, R2, Ceph…). */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Tests only; in production credentials come from the standard AWS chain (env, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * Objects in an S3 bucket. Clients upload straight to the bucket with a presigned PUT; a
 * real imgproxy reads `s3://<bucket>/<key>` with IMGPROXY_USE_S3=true.
 */
export class S3Storage implements ObjectStorage {
  readonly client: S3Client;
  readonly #bucket: string;

  constructor(options: S3Options) {
    this.#bucket = options.bucket;
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? false,
      // A streamed body (putFile) with a computed checksum goes out aws-chunked with a trailer, which
      // some S3-compatible services store verbatim (as archive-store.ts found for backups).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    assertSafeKey(key);
    await this.client.send(new PutObjectCommand({ Bucket: this.#bucket, Key: key, Body: body, ContentType: contentType }));
  }

  async putFile(key: string, file: string, contentType: string): Promise<void> {
    assertSafeKey(key);
    const { size } = await stat(file);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: key,
        Body: createReadStream(file),
        ContentLength: size,
        ContentType: contentType,
      }),
    );
  }

  async stream(key: string): Promise<{ body: Readable; size: number } | null> {
    assertSafeKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      if (!(out.Body instanceof Readable)) throw new Error(`s3://${this.#bucket}/${key} has no body`);
      return { body: out.Body, size: out.ContentLength ?? 0 };
    } catch (e) {
      if (e instanceof NoSuchKey || (e as { name?: string }).name === 'NoSuchKey') return null;
      throw e;
    }
  }

  async get(key: string): Promise<Buffer | null> {
    assertSafeKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      return Buffer.from((await out.Body?.transformToByteArray()) ?? []);
    } catch (e) {
      if (e instanceof NoSuchKey || (e as { name?: string }).name === 'NoSuchKey') return null;
      throw e;
    }
  }

  async size(key: string): Promise<number | null> {
    assertSafeKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }));
      return out.ContentLength ?? null;
    } catch (e) {
      if (e instanceof NotFound || (e as { name?: string }).name === 'NotFound') return null;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
  }

  async presignPut(key: string, options: { expiresInSeconds: number; contentType: string }) {
    assertSafeKey(key);
    const command = new PutObjectCommand({ Bucket: this.#bucket, Key: key, ContentType: options.contentType });
    // The content type is signed too: the upload cannot arrive as, say, text/html.
    const url = await getSignedUrl(this.client, command, {
      expiresIn: options.expiresInSeconds,
      signableHeaders: new Set(['content-type']),
    });
    return { url, headers: { 'content-type': options.contentType } };
  }

  sourceUrl(key: string): string {
    assertSafeKey(key);
    return `s3://${this.#bucket}/${key}`;
  }

  keyOf(sourceUrl: string): string | null {
    const prefix = `s3://${this.#bucket}/`;
    if (!sourceUrl.startsWith(prefix)) return null;
    const key = sourceUrl.slice(prefix.length);
    try {
      assertSafeKey(key);
      return key;
    } catch {
      return null;
    }
  }
}
