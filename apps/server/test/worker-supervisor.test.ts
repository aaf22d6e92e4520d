import type { WorkerHandle } from '@yeet/worker';
import { describe, expect, it } from 'vitest';
import { captureLogs } from '../../../test/support/logs.ts';
import { superviseWorker } from '../src/worker-supervisor.ts';

/** A stand-in for graphile-worker's runner: `die()` stops it as a failed job-outcome write does. */
function fakeWorker() {
  let die = () => {};
  const stopped = new Promise<void>((resolve) => (die = resolve));
  const worker = {
    stops: 0,
    die,
    stopped,
    stop: async () => {
      worker.stops++;
      die();
    },
  };
  return worker;
}

describe('superviseWorker', () => {
  it('starts the worker again when it stops on its own, retrying while starting fails, and stops the current one', async () => {
    const { logger, lines } = captureLogs('info');
    const started: ReturnType<typeof fakeWorker>[] = [];
    let failures = 1;
    const start = async (): Promise<WorkerHandle> => {
      if (started.length > 0 && failures-- > 0) throw new Error('connect ECONNREFUSED');
      const worker = fakeWorker();
      started.push(worker);
      return worker;
    };
    const supervised = await superviseWorker(start, logger);
    expect(started).toHaveLength(1);

    started[0]?.die();
    await expect.poll(() => started.length, { timeout: 5_000 }).toBe(2);
    expect(lines.map((l) => l.msg)).toEqual([
      'the worker stopped on its own (its database connection failed mid-job); starting it again',
      'the worker did not start again; trying again',
      'the worker is running again',
    ]);

    await supervised.stop();
    expect(started.map((w) => w.stops)).toEqual([0, 1]);
    expect(started).toHaveLength(2);
  });

  it('stops without starting again while a restart is pending', async () => {
    const { logger } = captureLogs('info');
    const started: ReturnType<typeof fakeWorker>[] = [];
    const supervised = await superviseWorker(async () => {
      const worker = fakeWorker();
      started.push(worker);
      return worker;
    }, logger);
    started[0]?.die();
    await new Promise((r) => setTimeout(r, 100));
    await supervised.stop();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(started).toHaveLength(1);
    // It had stopped on its own already.
    expect(started[0]?.stops).toBe(0);
  });
});
