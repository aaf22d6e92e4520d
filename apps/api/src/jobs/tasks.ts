import { isUuid } from '@yeet/domain';
import type { Logger } from '@yeet/platform';
import type { ExportController } from '../controllers/export.controller.ts';
import type { ImageController } from '../controllers/image.controller.ts';
import type { RatingController } from '../controllers/rating.controller.ts';
import type { SearchEngine } from '../search/engine.ts';
import type { ScheduledRun, ScheduledTaskName, TaskName, TaskPayload } from '../stores/job.store.ts';

/**
 * Background jobs: each task is a thin handler, like an RPC handler, that calls a
 * controller or engine. The worker (apps/worker) runs them with graphile-worker; the
 * registry is checked at start-up, so a schedule without a handler stops the process.
 */
export interface TaskContext {
  logger: Logger;
}

/**
 * One task's handler. Jobs outlive deploys, so a queued payload may predate the shape
 * declared today: the worker asserts it on entry before `run` trusts its type.
 */
export interface TaskDefinition<T extends TaskName> {
  assertPayload(payload: unknown): asserts payload is TaskPayload<T>;
  run(payload: TaskPayload<T>, context: TaskContext): Promise<void>;
}

export interface Schedule {
  task: ScheduledTaskName;
  /** Five-field cron expression, UTC. */
  cron: string;
}

/** The worker's scheduled backup (BACKUP_SCHEDULE); built by the process, which knows where archives go. */
export interface ScheduledBackup {
  /** Five-field cron expression, UTC. */
  cron: string;
  /** Writes one archive and applies retention; skips when another backup of the database is running. */
  run(logger: Logger): Promise<void>;
}

export interface JobCatalogue {
  /** Exactly one handler for every task the queue declares (stores/job.store.ts). */
  tasks: { [T in TaskName]: TaskDefinition<T> };
  schedules: Schedule[];
}

function hasId<F extends string>(field: F): (payload: unknown) => asserts payload is Record<F, string> {
  return (payload) => {
    const id = (payload as Record<string, unknown> | null)?.[field];
    if (typeof id !== 'string' || !isUuid(id)) throw new Error(`payload has no ${field} (a UUID): ${JSON.stringify(payload)}`);
  };
}

function isScheduledRun(payload: unknown): asserts payload is ScheduledRun {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new Error(`a scheduled task's payload must be an object: ${JSON.stringify(payload)}`);
  }
}

export function createJobCatalogue(deps: {
  ratings: RatingController;
  search: SearchEngine;
  images: ImageController;
  exports: ExportController;
  /**
   * Deletes the built-in issuer's expired sessions, codes and tokens, the records of signed-out
   * web sessions, and idempotency keys older than 24 hours.
   */
  sweepIssuer: () => Promise<number>;
  /** null: no scheduled backups in this deployment. */
  backup?: ScheduledBackup | null;
  /** Deletes audit events (role changes, account deletions) past their retention; 0 when kept for good. */
  sweepAudit: () => Promise<number>;
}): JobCatalogue {
  return {
    tasks: {
      'search.index': {
        assertPayload: hasId('recipeId'),
        run: async ({ recipeId }) => {
          await deps.search.index([recipeId]);
        },
      },
      'search.reconcile': {
        assertPayload: isScheduledRun,
        run: async (_payload, { logger }) => {
          const { indexed, removed } = await deps.search.reconcile(1000);
          if (indexed || removed) logger.warn({ indexed, removed }, 'repaired search index entries that had drifted');
        },
      },
      'search.lexicon': {
        assertPayload: isScheduledRun,
        run: async () => {
          await deps.search.rebuildLexicon();
        },
      },
      'images.process': {
        assertPayload: hasId('imageId'),
        run: async ({ imageId }) => {
          await deps.images.process(imageId);
        },
      },
      'images.sweep': {
        assertPayload: isScheduledRun,
        run: async (_payload, { logger }) => {
          const swept = await deps.images.sweep();
          if (swept.uploads || swept.images) logger.info(swept, 'removed abandoned uploads and unused images');
        },
      },
      'issuer.sweep': {
        assertPayload: isScheduledRun,
        run: async () => {
          await deps.sweepIssuer();
        },
      },
      'audit.sweep': {
        assertPayload: isScheduledRun,
        run: async (_payload, { logger }) => {
          const removed = await deps.sweepAudit();
          if (removed) logger.info({ removed }, 'removed audit events past AUDIT_RETENTION_DAYS');
        },
      },
      'exports.build': {
        assertPayload: hasId('exportId'),
        run: async ({ exportId }) => {
          await deps.exports.build(exportId);
        },
      },
      'exports.sweep': {
        assertPayload: isScheduledRun,
        run: async (_payload, { logger }) => {
          const removed = await deps.exports.sweep();
          if (removed) logger.info({ removed }, 'removed data exports past their link’s expiry (EXPORT_LINK_TTL_HOURS)');
        },
      },
      'ratings.reconcile': {
        assertPayload: isScheduledRun,
        run: async (_payload, { logger }) => {
          const repaired = await deps.ratings.reconcile();
          if (repaired) logger.warn({ repaired }, 'repaired rating summaries that had drifted');
        },
      },
      'backup.create': {
        assertPayload: isScheduledRun,
        run: async (_payload, { logger }) => {
          // A job added by hand (or left from a schedule since removed) in a process without a backup target.
          if (!deps.backup) throw new Error('this worker has no scheduled backup configured (BACKUP_SCHEDULE)');
          await deps.backup.run(logger);
        },
      },
    },
    schedules: [
      { task: 'search.reconcile', cron: '*/5 * * * *' },
      { task: 'search.lexicon', cron: '41 * * * *' },
      { task: 'ratings.reconcile', cron: '17 * * * *' },
      { task: 'issuer.sweep', cron: '23 * * * *' },
      { task: 'images.sweep', cron: '37 * * * *' },
      { task: 'exports.sweep', cron: '29 * * * *' },
      { task: 'audit.sweep', cron: '47 3 * * *' },
      ...(deps.backup ? [{ task: 'backup.create', cron: deps.backup.cron } as const] : []),
    ],
  };
}
