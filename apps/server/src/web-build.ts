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
 * The child stays in this process group: Ctrl-C in a terminal reaches it too and it stops
 * at once.
 */
export function startWebBuild(logger: Logger, script = buildScript): WebBuild {
  // The server's allocator setting (npm start's MALLOC_ARENA_MAX) is not the bundler's.
  const { MALLOC_ARENA_MAX: _, ...env } = process.env;
  const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
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
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited.catch(() => {});
    },
  };
}
