import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArchiveStore, DirectoryArchives, S3Archives } from '../src/archive-store.ts';

/** Where backup archives are kept: a directory, and an S3 prefix on an S3-compatible server (s3rver). */
let server: S3rver;
let dir: string;
let endpoint: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'yeet-archives-'));
  server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    directory: path.join(dir, 's3'),
    silent: true,
    configureBuckets: [{ name: 'backups', configs: [] }],
  });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const s3 = (prefix: string) =>
  new S3Archives({
    bucket: 'backups',
    prefix,
    region: 'eu-west-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });

describe.each([
  ['a directory', () => new DirectoryArchives(path.join(dir, 'local'))],
  ['an S3 prefix', () => s3('/nightly/')],
] as Array<[string, () => ArchiveStore]>)('archives in %s', (_kind, make) => {
  it('stores, lists in name order, fetches byte for byte and removes', async () => {
    const store = make();
    const file = path.join(dir, 'archive.tar.gz');
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) & 0xff));
    await writeFile(file, bytes);
    for (const name of ['yeet-backup-b.tar.gz', 'yeet-backup-a.tar.gz']) await store.put(name, file);
    expect(await store.list()).toEqual(['yeet-backup-a.tar.gz', 'yeet-backup-b.tar.gz']);
    const copy = path.join(dir, 'copy.tar.gz');
    await store.fetch('yeet-backup-a.tar.gz', copy);
    expect((await readFile(copy)).equals(bytes)).toBe(true);
    await store.remove('yeet-backup-a.tar.gz');
    expect(await store.list()).toEqual(['yeet-backup-b.tar.gz']);
  });
});

it('an S3 store lists only its own prefix, not deeper ones or its neighbours', async () => {
  const file = path.join(dir, 'small');
  await writeFile(file, 'x');
  await s3('team-a').put('one.tar.gz', file);
  await s3('team-a/deeper').put('two.tar.gz', file);
  await s3('team-ab').put('three.tar.gz', file);
  expect(await s3('team-a').list()).toEqual(['one.tar.gz']);
  expect(s3('team-a').location).toBe('s3://backups/team-a/');
});
