import { open, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `run` while holding a lock file that other processes on this computer respect: the
 * file is created exclusively, holds the holder's pid, and is removed afterwards. A lock
 * whose process has ended (killed by Ctrl-C or kill -9 before it could remove the file) is
 * taken over at once; one older than `staleMs` was left by a crashed process and is taken
 * over too; one held by a live process for longer than that (plus a grace period) is
 * reported rather than waited on forever.
 */
export async function withFileLock<T>(lock: string, options: { staleMs: number }, run: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + options.staleMs + 5_000;
  for (;;) {
    try {
      const file = await open(lock, 'wx', 0o600);
      await file.writeFile(String(process.pid));
      await file.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const since = await stat(lock).then(
        (s) => s.mtimeMs,
        () => Date.now(),
      );
      if (Date.now() - since > options.staleMs || (await holderEnded(lock))) await rm(lock, { force: true });
      else if (Date.now() > deadline) throw new Error(`${lock} is held by another process; if none is running, delete it.`);
      else await sleep(25);
    }
  }
  try {
    return await run();
  } finally {
    await rm(lock, { force: true });
  }
}

/** True when the lock names a process that no longer exists. An empty file is a holder still writing its pid. */
async function holderEnded(lock: string): Promise<boolean> {
  const pid = Number.parseInt(await readFile(lock, 'utf8').catch(() => ''), 10);
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
