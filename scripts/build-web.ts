/**
 * Builds the web app unless the build in apps/web/dist is already that of these sources:
 * a start with nothing changed skips the ~6 s of `vite build`.
 *
 *   node scripts/build-web.ts [--force]
 *
 * The build's inputs are hashed (the web app, the packages it bundles, the lockfile) and the
 * hash kept beside the output; a different hash, a missing output or --force builds again.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { withFileLock } from '../apps/server/src/file-lock.ts';

const root = path.resolve(import.meta.dirname, '..');
const web = path.join(root, 'apps/web');
const dist = path.join(web, 'dist');
const stampFile = path.join(dist, '.inputs-sha256');

/** Everything `vite build` reads from this repository. */
const inputs = [
  'apps/web/src',
  'apps/web/public',
  'apps/web/vite.config.ts',
  'apps/web/package.json',
  'apps/web/tsconfig.json',
  'packages/domain/src',
  'packages/contract/src',
  'packages/domain/package.json',
  'packages/contract/package.json',
  'package-lock.json',
];

async function files(relative: string): Promise<string[]> {
  const full = path.join(root, relative);
  if (!existsSync(full)) return [];
  const entries = await readdir(full, { withFileTypes: true, recursive: true }).catch(() => null);
  if (entries === null) return [relative];
  return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

export async function inputsHash(): Promise<string> {
  const hash = createHash('sha256');
  // The environment changes what is built: a development build is not a production one.
  hash.update(`NODE_ENV=production\n`);
  const all = (await Promise.all(inputs.map(files))).flat().sort();
  for (const file of all) {
    hash.update(`${file}\n`);
    hash.update(await readFile(path.join(root, file)));
  }
  return hash.digest('hex');
}

/** Text the server sends as files: worth compressing once here rather than on every request. */
const compressible = /\.(js|mjs|css|svg|html|json|webmanifest|txt|xml|map)$/;

/**
 * Brotli's quality for the precompressed files. 11 (the best) made the client's text files
 * 205.9 KB in 2.8 s of CPU; 10 makes them 209.5 KB (+1.7 %) in 0.95 s; 9 220.4 KB (+7 %) in
 * 0.5 s. The build runs on every `npm start` with changed sources, beside the first start's
 * database work on the same two cores: 10 (docs/decisions/0035-first-start.md).
 */
export const brotliQuality = 10;

/**
 * Writes `<file>.br` (brotli at `brotliQuality`) and `<file>.gz` (gzip -9) beside each
 * compressible file of the client build, for the web server to send as they are
 * (@fastify/static's preCompressed). A variant that would not be smaller is not written.
 */
export async function precompress(dir: string, signal?: AbortSignal): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const targets = entries.filter((e) => e.isFile() && compressible.test(e.name)).map((e) => path.join(e.parentPath, e.name));
  await Promise.all(
    targets.map(async (file) => {
      signal?.throwIfAborted();
      const raw = await readFile(file);
      const [br, gz] = await Promise.all([
        promisify(brotliCompress)(raw, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: brotliQuality,
            [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
          },
        }),
        promisify(gzip)(raw, { level: 9 }),
      ]);
      if (br.length < raw.length) await writeFile(`${file}.br`, br);
      if (gz.length < raw.length) await writeFile(`${file}.gz`, gz);
    }),
  );
}

/**
 * Builds when needed; says which it did. `signal` stops a build half-way (vite ended, no
 * stamp written, the lock released): the next start builds again.
 */
export async function buildWeb(options: { force?: boolean; signal?: AbortSignal } = {}): Promise<'built' | 'current'> {
  // One build at a time on this computer (test runs started together each build first); the
  // second finds the first's output current.
  return withFileLock(path.join(web, '.build.lock'), { staleMs: 300_000 }, () => buildUnlocked(options));
}

async function buildUnlocked(options: { force?: boolean; signal?: AbortSignal }): Promise<'built' | 'current'> {
  const hash = await inputsHash();
  const current = existsSync(path.join(dist, 'server/server.js')) && (await readFile(stampFile, 'utf8').catch(() => '')) === hash;
  if (current && !options.force) return 'current';
  await rm(stampFile, { force: true });
  await promisify(execFile)(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build'], {
    cwd: web,
    env: { ...process.env, NODE_ENV: 'production' },
    maxBuffer: 64 * 1024 * 1024,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  await precompress(path.join(dist, 'client'), options.signal);
  await writeFile(stampFile, hash);
  return 'built';
}

if (import.meta.main) {
  const started = Date.now();
  // Ctrl-C (or `yeet start --build` stopping) ends vite and releases the lock rather than
  // leaving both behind; the exit status says it was stopped.
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
  const outcome = await buildWeb({ force: process.argv.includes('--force'), signal: stop.signal }).catch((error: unknown) => {
    if (!stop.signal.aborted) throw error;
    return 'stopped' as const;
  });
  if (outcome === 'stopped') {
    console.error('web app: build stopped; the next start builds it again');
    process.exitCode = 130;
  } else {
    console.log(
      outcome === 'current'
        ? 'web app: the build in apps/web/dist is current (node scripts/build-web.ts --force rebuilds it)'
        : `web app: built in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
}
