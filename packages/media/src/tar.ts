import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';

/**
 * The archive container of backups and data exports: a gzip-compressed POSIX (ustar) tar, so
 * `tar -xzf` opens it with no help from us. Only what they write is supported: regular files
 * with short names.
 */
const block = 512;

export interface TarEntry {
  /** The name inside the archive (at most 100 bytes). */
  name: string;
  /** The file on disk that holds its bytes. */
  file: string;
}

export async function writeTarGz(archive: string, entries: readonly TarEntry[]): Promise<void> {
  async function* blocks() {
    for (const entry of entries) {
      const { size } = await stat(entry.file);
      yield header(entry.name, size);
      yield* createReadStream(entry.file);
      const pad = (block - (size % block)) % block;
      if (pad) yield Buffer.alloc(pad);
    }
    yield Buffer.alloc(2 * block);
  }
  await pipeline(Readable.from(blocks()), createGzip(), createWriteStream(archive, { flags: 'wx' }));
}

function header(name: string, size: number): Buffer {
  const h = Buffer.alloc(block);
  if (Buffer.byteLength(name) > 100) throw new Error(`archive entry name too long: ${name}`);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100); // mode
  h.write('0000000\0', 108); // uid
  h.write('0000000\0', 116); // gid
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write(
    `${Math.floor(Date.now() / 1000)
      .toString(8)
      .padStart(11, '0')}\0`,
    136,
  );
  h.write('        ', 148); // the checksum is computed with its own field as spaces
  h.write('0', 156); // a regular file
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/**
 * Reads the archive entry by entry; `onEntry` must consume `body` fully before the next one
 * is read. Anything but a regular file stops the read.
 */
export async function readTarGz(
  archive: string,
  onEntry: (name: string, size: number, body: Readable) => Promise<void>,
): Promise<void> {
  const input = createReadStream(archive).pipe(createGunzip());
  const reader = new ChunkReader(input[Symbol.asyncIterator]());
  try {
    for (;;) {
      const h = await reader.take(block);
      if (!h || h.every((b) => b === 0)) return;
      const name = cString(h.subarray(0, 100));
      const prefix = cString(h.subarray(345, 500));
      const size = Number.parseInt(cString(h.subarray(124, 136)).trim() || '0', 8);
      const type = String.fromCharCode(h[156] ?? 0);
      if ((type !== '0' && type !== '\0') || !Number.isSafeInteger(size)) {
        throw new Error(`unexpected archive entry "${prefix ? `${prefix}/` : ''}${name}" (only regular files are expected)`);
      }
      await onEntry(prefix ? `${prefix}/${name}` : name, size, Readable.from(reader.stream(size)));
      const pad = (block - (size % block)) % block;
      if (pad && !(await reader.take(pad))) throw new Error('the archive is truncated');
    }
  } finally {
    input.destroy();
  }
}

const cString = (b: Buffer) => {
  const end = b.indexOf(0);
  return b.subarray(0, end === -1 ? b.length : end).toString('utf8');
};

/** Exact-size reads over a stream of chunks. */
class ChunkReader {
  readonly #source: AsyncIterator<Buffer>;
  #buffer: Buffer = Buffer.alloc(0);

  constructor(source: AsyncIterator<Buffer>) {
    this.#source = source;
  }

  async #fill(): Promise<boolean> {
    const next = await this.#source.next();
    if (next.done) return false;
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, next.value]) : next.value;
    return true;
  }

  /** Exactly `n` bytes, or null at a clean end of input. */
  async take(n: number): Promise<Buffer | null> {
    while (this.#buffer.length < n) {
      if (!(await this.#fill())) {
        if (this.#buffer.length === 0) return null;
        throw new Error('the archive is truncated');
      }
    }
    const out = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }

  async *stream(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.#buffer.length === 0 && !(await this.#fill())) throw new Error('the archive is truncated');
      const part = this.#buffer.subarray(0, Math.min(left, this.#buffer.length));
      this.#buffer = this.#buffer.subarray(part.length);
      left -= part.length;
      yield part;
    }
  }
}
