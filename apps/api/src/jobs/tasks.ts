import type { Logger } from '@yeet/platform';
import type { ImageController } from '../controllers/image.controller.ts';
import type { RatingController } from '../controllers/rating.controller.ts';
import type { SearchEngine } from '../search/engine.ts';

/**
 * Background jobs: each task is a thin handler, like an RPC handler, that calls a
 * controller or engine. The worker (apps/worker) runs them with graphile-worker; the
 * registry is checked at start-up, so a schedule without a handler stops the process.
 */
export interface TaskContext {
  logger: Logger;
}

export type TaskHandler = (payload: unknown, context: TaskContext) => Promise<void>;

export interface Schedule {
  task: string;
  /** Five-field cron expression, UTC. */
  cron: string;
}

export interface JobCatalogue {
  tasks: Record<string, TaskHandler>;
  schedules: Schedule[];
}

/** Jobs outlive deploys: check a payload's shape before trusting it. */
function idOf(payload: unknown, field: 'recipeId' | 'imageId'): string {
  const id = (payload as Record<string, unknown> | null)?.[field];
  if (typeof id !== 'string') throw new Error(`payload has no ${field}: ${JSON.stringify(payload)}`);
  return id;
}

export function createJobCatalogue(deps: {
  ratings: RatingController;
  search: SearchEngine;
  images: ImageController;
  /** Deletes the built-in issuer's expired sessions, codes and tokens. */
  sweepIssuer: () => Promise<number>;
}): JobCatalogue {
  return {
    tasks: {
      'search.index': async (payload) => {
        await deps.search.index([idOf(payload, 'recipeId')]);
      },
      'search.reconcile': async (_payload, { logger }) => {
        const { indexed, removed } = await deps.search.reconcile(1000);
        if (indexed || removed) logger.warn({ indexed, removed }, 'repaired search index entries that had drifted');
      },
      'search.lexicon': async () => {
        await deps.search.rebuildLexicon();
      },
      'images.process': async (payload) => {
        await deps.images.process(idOf(payload, 'imageId'));
      },
      'images.sweep': async (_payload, { logger }) => {
        const swept = await deps.images.sweep();
        if (swept.uploads || swept.images) logger.info(swept, 'removed abandoned uploads and unused images');
      },
      'issuer.sweep': async () => {
        await deps.sweepIssuer();
      },
      'ratings.reconcile': async (_payload, { logger }) => {
        const repaired = await deps.ratings.reconcile();
        if (repaired) logger.warn({ repaired }, 'repaired rating summaries that had drifted');
      },
    },
    schedules: [
      { task: 'search.reconcile', cron: '*/5 * * * *' },
      { task: 'search.lexicon', cron: '41 * * * *' },
      { task: 'ratings.reconcile', cron: '17 * * * *' },
      { task: 'issuer.sweep', cron: '23 * * * *' },
      { task: 'images.sweep', cron: '37 * * * *' },
    ],
  };
}
