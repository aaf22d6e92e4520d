import { open, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `run` while holding a lock file that other processes on this computer respect: the
 * file is created exclusively and removed afterwards. A lock older than `staleMs` was left
 * by a crashed process and is taken over; one held by a live process for longer than that
 * (plus a grace period) is reported rather than waited on forever.
 */
export async function withFileLock<T>(lock: string, options: { staleMs: number }, run: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + options.staleMs + 5_000;
  for (;;) {
    try {
      await (await open(lock, 'wx', 0o600)).close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const since = await stat(lock).then(
        (s) => s.mtimeMs,
        () => Date.now(),
      );
      if (Date.now() - since > options.staleMs) await rm(lock, { force: true });
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
