import type { Logger } from '@yeet/platform';
import type { WorkerHandle } from '@yeet/worker';

const firstPauseMs = 500;
const longestPauseMs = 15_000;

/**
 * Keeps a worker running. graphile-worker stops its runner for good when it cannot record a
 * job's outcome, which happens whenever the database goes away while a job runs; left
 * alone, the process would stay up and ready and never run another job. Started again here,
 * after a pause that grows while starting fails (the database is still away, which
 * readiness reports), until stop().
 */
export async function superviseWorker(start: () => Promise<WorkerHandle>, logger: Logger): Promise<{ stop(): Promise<void> }> {
  let current: WorkerHandle | null = await start();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let starting: Promise<void> | null = null;

  const restart = (attempt: number) => {
    timer = setTimeout(
      () => {
        starting = start().then(
          (handle) => {
            current = handle;
            watch(handle);
            logger.info({ attempt }, 'the worker is running again');
          },
          (err: unknown) => {
            logger.warn({ attempt, err }, 'the worker did not start again; trying again');
            if (!stopped) restart(attempt + 1);
          },
        );
      },
      Math.min(firstPauseMs * 2 ** (attempt - 1), longestPauseMs),
    );
  };
  const watch = (handle: WorkerHandle) =>
    void handle.stopped.then(() => {
      if (stopped || handle !== current) return;
      current = null;
      logger.error('the worker stopped on its own (its database connection failed mid-job); starting it again');
      restart(1);
    });
  watch(current);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await starting;
      await current?.stop();
    },
  };
}
