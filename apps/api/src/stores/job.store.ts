import { sql } from '@yeet/db';
import type { Executor } from './executor.ts';

/**
 * Puts background jobs on the graphile-worker queue from inside the caller's transaction:
 * a rolled-back write enqueues nothing, a committed one always has its job.
 */
export class JobStore {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  /** The recipe changed in a way search may see: (re)index it. Repeats collapse into one job. */
  async reindexRecipe(recipeId: string): Promise<void> {
    await this.#enqueue('search.index', { recipeId }, `search.index:${recipeId}`);
  }

  /** A new image needs its placeholder colour and final check. */
  async processImage(imageId: string): Promise<void> {
    await this.#enqueue('images.process', { imageId }, `images.process:${imageId}`);
  }

  async #enqueue(task: string, payload: Record<string, unknown>, jobKey: string): Promise<void> {
    await sql`select graphile_worker.add_job(${task}, ${JSON.stringify(payload)}::json, job_key := ${jobKey})`.execute(this.#db);
  }
}
