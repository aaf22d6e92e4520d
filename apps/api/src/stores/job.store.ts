import { context, propagation } from '@opentelemetry/api';
import { sql } from '@yeet/db';
import type { Executor } from './executor.ts';

/**
 * The queue's schema: every task a job may name and the payload it carries. graphile-worker
 * reads this declaration too (its `Task`, `TaskList` and `addJob` types), so enqueueing here,
 * the handlers in jobs/tasks.ts and the worker's task list are checked against one list.
 * Renaming a task orphans the jobs already queued under the old name: keep the old name
 * here, with its handler, until the queue no longer holds it.
 */
declare global {
  namespace GraphileWorker {
    interface Tasks {
      'search.index': { recipeId: string };
      'images.process': { imageId: string };
      'search.reconcile': ScheduledRun;
      'search.lexicon': ScheduledRun;
      'images.sweep': ScheduledRun;
      'issuer.sweep': ScheduledRun;
      'audit.sweep': ScheduledRun;
      'ratings.reconcile': ScheduledRun;
      'backup.create': ScheduledRun;
      'exports.build': { exportId: string };
      'exports.sweep': ScheduledRun;
    }
  }
}

/** What graphile-worker's cron puts in a scheduled job; empty when someone adds one by hand. */
export interface ScheduledRun {
  _cron?: { ts: string; backfilled: boolean };
}

/**
 * What every enqueued payload may carry besides its task's fields: the W3C trace context
 * (traceparent, tracestate) of the write that enqueued it, so the job's span continues that
 * trace. Absent when tracing is off or the job was scheduled.
 */
export interface TracedPayload {
  _trace?: Record<string, string>;
}

export type TaskName = keyof GraphileWorker.Tasks;
export type TaskPayload<T extends TaskName> = GraphileWorker.Tasks[T];
/** The tasks that run on a schedule: those whose payload is only the cron's. */
export type ScheduledTaskName = { [T in TaskName]: ScheduledRun extends TaskPayload<T> ? T : never }[TaskName];

/**
 * Puts background jobs on the graphile-worker queue from inside the caller's transaction:
 * a rolled-back write enqueues nothing, a committed one always has its job.
 */
export class JobStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  /**
   * The recipe changed in a way search may see: (re)index it. No job key: under contention
   * graphile-worker's keyed add_job can drop the request while the same key's job is being
   * locked (graphile/worker#580, open), which left an approval unsearchable until the next
   * reconcile; indexing is idempotent, so a repeat costs one cheap job.
   */
  async reindexRecipe(recipeId: string): Promise<void> {
    await this.#enqueue('search.index', { recipeId }, null);
  }

  /** Rebuilds the spelling vocabulary now (it is hourly otherwise): e.g. after a deleted account's recipes left the index. */
  async rebuildLexicon(): Promise<void> {
    await this.#enqueue('search.lexicon', {}, 'search.lexicon');
  }

  /** Builds a data export's archive (its row says whose). */
  async buildExport(exportId: string): Promise<void> {
    await this.#enqueue('exports.build', { exportId }, null);
  }

  /** Removes expired exports' archives now rather than at the next hourly sweep (an account was deleted). */
  async sweepExports(): Promise<void> {
    await this.#enqueue('exports.sweep', {}, null);
  }

  /** A new image needs its placeholder colour and final check. */
  async processImage(imageId: string): Promise<void> {
    await this.#enqueue('images.process', { imageId }, `images.process:${imageId}`);
  }

  async #enqueue<T extends TaskName>(task: T, payload: TaskPayload<T>, jobKey: string | null): Promise<void> {
    const trace: Record<string, string> = {};
    propagation.inject(context.active(), trace);
    const traced: TaskPayload<T> & TracedPayload = Object.keys(trace).length ? { ...payload, _trace: trace } : payload;
    await sql`select graphile_worker.add_job(${task}, ${JSON.stringify(traced)}::json, job_key := ${jobKey})`.execute(this.#db);
  }
}
