import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@yeet/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withFileLock } from '../src/file-lock.ts';
import { runUntilSignal } from '../src/lifecycle.ts';
import { startWebBuild } from '../src/web-build.ts';

/** `npm start` builds the web app beside the database's start: the parts of that path, each on its own. */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'yeet-start-build-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A stand-in for scripts/build-web.ts: a script of `source`, run as the build would be. */
async function script(name: string, source: string): Promise<string> {
  const file = path.join(dir, `${name}.mjs`);
  await writeFile(file, source);
  return file;
}

function logged() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines };
}

describe('withFileLock', () => {
  it('takes over at once a lock whose process has ended (a build stopped with Ctrl-C or kill -9)', async () => {
    const ended = spawn(process.execPath, ['-e', '']);
    await once(ended, 'exit');
    const lock = path.join(dir, 'ended.lock');
    await writeFile(lock, String(ended.pid));
    const started = Date.now();
    // Without the pid, the lock would be waited on for staleMs (5 minutes for the web build).
    expect(await withFileLock(lock, { staleMs: 60_000 }, async () => readFile(lock, 'utf8'))).toBe(String(process.pid));
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('waits for a lock held by a live process', async () => {
    const lock = path.join(dir, 'live.lock');
    await writeFile(lock, String(process.pid));
    setTimeout(() => void rm(lock), 300);
    const started = Date.now();
    await withFileLock(lock, { staleMs: 60_000 }, async () => {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });
});

describe('startWebBuild', () => {
  it('resolves when the build is done and logs what it said', async () => {
    const { logger, lines } = logged();
    const build = startWebBuild(logger, await script('ok', `console.log('web app: built in 0.1 s');`));
    await build.done;
    expect(lines.join('')).toContain('"msg":"web app: built in 0.1 s"');
  });

  it('rejects with what a failed build said', async () => {
    const build = startWebBuild(
      logged().logger,
      await script('fails', `console.error('src/app.tsx: Unexpected token'); process.exit(1);`),
    );
    await expect(build.done).rejects.toThrow(/did not build \(exit status 1\).*\n.*src\/app\.tsx: Unexpected token/);
  });

  it('stop() ends a build under way, and the build stops what it started', async () => {
    const marker = path.join(dir, 'stopped');
    const build = startWebBuild(
      logged().logger,
      await script(
        'slow',
        `process.once('SIGTERM', async () => { (await import('node:fs')).writeFileSync(${JSON.stringify(marker)}, 'yes'); process.exit(130); });
         setInterval(() => {}, 1000); console.log('building');`,
      ),
    );
    await new Promise((r) => setTimeout(r, 500));
    const started = Date.now();
    await build.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(build.done).rejects.toThrow('the web app build was stopped before it finished');
    expect(await readFile(marker, 'utf8')).toBe('yes');
  });
});

describe('runUntilSignal', () => {
  it('tells start of a stop signal, and a start that then fails is a clean stop (status 0)', async () => {
    const { logger, lines } = logged();
    const code = runUntilSignal(
      (stopRequested) =>
        new Promise((_, reject) =>
          stopRequested.addEventListener('abort', () => reject(new Error('the web app build was stopped before it finished'))),
        ),
      { logger, timeoutMs: 5_000 },
    );
    await new Promise((r) => setTimeout(r, 50));
    process.emit('SIGTERM');
    expect(await code).toBe(0);
    expect(lines.join('')).toMatch(
      /"shutting down".*"reason":"the web app build was stopped before it finished".*"stopped during start-up"/s,
    );
  });

  it('a start that fails without a signal still fails', async () => {
    await expect(
      runUntilSignal(async () => Promise.reject(new Error('no database')), { logger: logged().logger, timeoutMs: 5_000 }),
    ).rejects.toThrow('no database');
  });
});
