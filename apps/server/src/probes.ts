import { pendingMigrations, sql, type Database, type Kysely } from '@yeet/db';
import type { Metrics } from '@yeet/platform';
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

const checkTimeoutMs = 2_000;

/**
 * GET /healthz: the process is alive (liveness; never touches dependencies).
 * GET /readyz: every dependency this role needs is usable (readiness).
 * GET /metrics: Prometheus text format.
 */
export function registerProbes(app: FastifyInstance, checks: ReadinessCheck[], metrics: Metrics): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), checkTimeoutMs);
          return [name, 'ok'] as const;
        } catch (e) {
          return [name, e instanceof Error ? e.message : String(e)] as const;
        }
      }),
    );
    const ready = results.every(([, r]) => r === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) });
  });

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
