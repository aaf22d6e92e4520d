import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { Logger } from '@yeet/platform';

/** The script `npm run build` runs: builds the web app unless apps/web/dist is already that of its sources. */
export const buildScript = path.resolve(import.meta.dirname, '../../../scripts/build-web.ts');

export interface WebBuild {
  /** Resolves once the build is current; rejects if it failed or was stopped. */
  done: Promise<void>;
  /** Ends a build under way (the script stops vite and releases its lock) and waits for it. */
  stop(): Promise<void>;
}

/**
 * `yeet start --build` (what `npm start` runs): the web app's build runs in a child process
 * while this one starts the database, migrates and seeds it. The build is CPU work in other
 * processes (vite, brotli), the database's first start mostly another process's and the
 * disk's: side by side on two cores they take little more than the longer of the two, not
 * their sum (docs/decisions/0035-first-start.md). The platform waits for `done` before it
 * serves pages.
 *
 * The child runs in a process group of its own, like the embedded PostgreSQL: where the
 * kernel shares the CPU between process groups' sessions (autogroup, the default of most
 * distributions) a build in this process's group would halve the CPU of the seed beside it
 * on a busy machine (measured: the first start 65–77 s against 54 s one after the other).
 * So Ctrl-C in a terminal does not reach it: the first stop signal stops it (`stop()`), and
 * so does the end of this process.
 */
export function startWebBuild(logger: Logger, script = buildScript): WebBuild {
  // The server's allocator settings (npm start's MALLOC_*) are not the bundler's.
  const { MALLOC_ARENA_MAX: _arenas, MALLOC_MMAP_THRESHOLD_: _threshold, ...env } = process.env;
  const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  // The whole group: the script and the vite it runs.
  const kill = () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', kill);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  exited.finally(() => process.off('exit', kill)).catch(() => {});
  const done = exited.then(([code, signal]) => {
    const said = output.trim();
    if (code === 0) {
      logger.info(said);
      return;
    }
    throw new Error(
      code === 130 || signal
        ? 'the web app build was stopped before it finished'
        : `the web app did not build (exit status ${code}); "npm run build" shows the same:\n${said.split('\n').slice(-30).join('\n')}`,
    );
  });
  // Awaited when the platform registers its pages; until then a failure is not unhandled.
  done.catch(() => {});
  return {
    done,
    async stop() {
      kill();
      await exited.catch(() => {});
    },
  };
}
