import type pg from 'pg';

/** Polls until `probe` returns true or the time is up; returns whether it did. */
export async function eventually(probe: () => Promise<boolean>, timeoutMs = 15_000, everyMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until no job of `task` is left on the queue (a worker must be running). */
export async function drained(db: pg.ClientBase | pg.Pool, task = 'search.index', timeoutMs = 15_000): Promise<void> {
  const done = await eventually(
    async () =>
      Number((await db.query(`select count(*) as n from graphile_worker.jobs where task_identifier = $1`, [task])).rows[0].n) ===
      0,
    timeoutMs,
  );
  if (!done) throw new Error(`jobs of ${task} are still queued after ${timeoutMs} ms`);
}
