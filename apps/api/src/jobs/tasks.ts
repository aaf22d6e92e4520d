import type { Logger } from '@yeet/platform';
import type { RatingController } from '../controllers/rating.controller.ts';

/**
 * Background jobs: each task is a thin handler, like an RPC handler, that calls a
 * controller. The worker (apps/worker) runs them with graphile-worker; the registry is
 * checked at start-up, so a scheduled or queued name without a handler stops the process.
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

export function createJobCatalogue(ratings: RatingController): JobCatalogue {
  return {
    tasks: {
      'ratings.reconcile': async (_payload, { logger }) => {
        const repaired = await ratings.reconcile();
        if (repaired) logger.warn({ repaired }, 'repaired rating summaries that had drifted');
      },
    },
    schedules: [{ task: 'ratings.reconcile', cron: '17 * * * *' }],
  };
}
