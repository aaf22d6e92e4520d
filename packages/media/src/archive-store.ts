import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

/**
 * Where backup archives are kept: a directory or an S3 prefix. Archives are whole files
 * written once, listed by name (names sort by time) and deleted by retention.
 */
export interface ArchiveStore {
  /** Where the store is, for messages: a directory path or s3://bucket/prefix. */
  readonly location: string;
  /** Stores the local file `file` as `name`; returns where it is now. */
  put(name: string, file: string): Promise<string>;
  /** Copies the archive `name` to the local file `file`. */
  fetch(name: string, file: string): Promise<void>;
  list(): Promise<string[]>;
  remove(name: string): Promise<void>;
}

export class DirectoryArchives implements ArchiveStore {
  readonly location: string;

  constructor(dir: string) {
    this.location = path.resolve(dir);
  }

  async put(name: string, file: string): Promise<string> {
    await mkdir(this.location, { recursive: true });
    const target = path.join(this.location, path.basename(name));
    // A partial copy never carries an archive's name: retention or a restore could pick it up.
    const temp = `${target}.part`;
    await copyFile(file, temp);
    await rename(temp, target);
    return target;
  }

  async fetch(name: string, file: string): Promise<void> {
    await copyFile(path.join(this.location, path.basename(name)), file);
  }

  async list(): Promise<string[]> {
    try {
      return (await readdir(this.location)).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  async remove(name: string): Promise<void> {
    await rm(path.join(this.location, path.basename(name)), { force: true });
  }
}

export interface S3ArchiveOptions {
  bucket: string;
  /** Key prefix, without leading or trailing slash ('' for the bucket's root). */
  prefix: string;
  region: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Tests only; otherwise the standard AWS credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export class S3Archives implements ArchiveStore {
  readonly location: string;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;

  constructor(options: S3ArchiveOptions) {
    this.#bucket = options.bucket;
    this.#prefix = options.prefix ? `${options.prefix.replace(/^\/+|\/+$/g, '')}/` : '';
    this.location = `s3://${this.#bucket}/${this.#prefix}`;
    this.#client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? false,
      // A streamed body with a computed checksum goes out aws-chunked with a trailer, which some S3-compatible
      // services store verbatim; the archive's manifest carries its own checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  }

  async put(name: string, file: string): Promise<string> {
    const { size } = await stat(file);
    const Key = this.#prefix + name;
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key,
        Body: createReadStream(file),
        ContentLength: size,
        ContentType: 'application/gzip',
      }),
    );
    return `s3://${this.#bucket}/${Key}`;
  }

  async fetch(name: string, file: string): Promise<void> {
    const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + name }));
    if (!(out.Body instanceof Readable)) throw new Error(`s3://${this.#bucket}/${this.#prefix}${name} has no body`);
    await pipeline(out.Body, createWriteStream(file));
  }

  async list(): Promise<string[]> {
    const names: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: this.#prefix, Delimiter: '/', ContinuationToken }),
      );
      for (const object of page.Contents ?? []) if (object.Key) names.push(object.Key.slice(this.#prefix.length));
      ContinuationToken = page.NextContinuationToken;
    } while (ContinuationToken);
    return names.sort();
  }

  async remove(name: string): Promise<void> {
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + name }));
  }
}
