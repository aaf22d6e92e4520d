import { pendingMigrations, sql, type Database, type Kysely } from '@yeet/db';
import type { Logger, Metrics } from '@yeet/platform';
import type { FastifyInstance } from 'fastify';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** The database answers and has every migration in this build applied. */
export function databaseCheck(db: Kysely<Database>): ReadinessCheck {
  return {
    name: 'database',
    async check() {
      await sql`select 1`.execute(db);
      const pending = await pendingMigrations(db);
      if (pending.length) throw new Error(`migrations not applied: ${pending.join(', ')}`);
    },
  };
}

/** Routes a prober calls every few seconds: their request lines are logged at debug whatever the status. */
export const probeRoutes: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

const checkTimeoutMs = 2_000;
/** A check that keeps failing is logged again this often, not on every probe. */
const repeatLogMs = 60_000;

/**
 * GET /healthz: the process is alive (liveness; never touches dependencies). A process that
 * cannot recover by itself exits instead of answering here (see Lifecycle.fail).
 * GET /readyz: every dependency this role needs is usable (readiness). The body names each
 * check and says only ok or unavailable; why a check fails goes to the log, once when it
 * starts failing, then once a minute while it keeps failing, and once when it passes again.
 */
export function registerProbes(app: FastifyInstance, checks: ReadinessCheck[], logger: Logger): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  const failing = new Map<string, { since: number; loggedAt: number; failures: number }>();
  const run = async ({ name, check }: ReadinessCheck): Promise<boolean> => {
    try {
      await withTimeout(check(), checkTimeoutMs);
    } catch (err) {
      const now = Date.now();
      const state = failing.get(name);
      if (!state) {
        failing.set(name, { since: now, loggedAt: now, failures: 1 });
        logger.warn({ check: name, err }, 'readiness check failed: not ready');
      } else if (now - state.loggedAt >= repeatLogMs) {
        logger.warn(
          { check: name, err, failures: state.failures + 1, sinceMs: now - state.since },
          'readiness check still failing',
        );
        state.loggedAt = now;
        state.failures += 1;
      } else state.failures += 1;
      return false;
    }
    const state = failing.get(name);
    if (state) {
      failing.delete(name);
      logger.info({ check: name, failures: state.failures, downMs: Date.now() - state.since }, 'readiness check passes again');
    }
    return true;
  };

  app.get('/readyz', async (_req, reply) => {
    const results = await Promise.all(checks.map(async (c) => [c.name, (await run(c)) ? 'ok' : 'unavailable'] as const));
    const ready = results.every(([, r]) => r === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks: Object.fromEntries(results) });
  });
}

/** GET /metrics: Prometheus text format, on the main port or on METRICS_PORT's server. */
export function registerMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
