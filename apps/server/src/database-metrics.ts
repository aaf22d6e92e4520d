import type { Metrics } from '@yeet/platform';
import type pg from 'pg';
import { Gauge } from 'prom-client';
import type { ReadinessCheck } from './probes.ts';

/** A scrape must not wait longer than Prometheus does (10 s by default). */
const checkTimeoutMs = 2_000;

/**
 * The database as every scrape sees it: whether the readiness check passes
 * (`yeet_database_ready`, 1 or 0: the alert on it works without anyone polling /readyz), and
 * the pool's connections in use and idle, callers waiting for one, and its maximum.
 */
export function registerDatabaseMetrics(pool: pg.Pool, check: ReadinessCheck, metrics: Metrics): void {
  const registers = [metrics.registry];
  new Gauge({
    name: 'yeet_database_ready',
    help: 'Whether the database check of /readyz passes (1) or not (0): it answers and has every migration applied.',
    registers,
    async collect() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), checkTimeoutMs);
      });
      const ready = await Promise.race([check.check(), timeout]).then(
        () => 1,
        () => 0,
      );
      clearTimeout(timer);
      this.set(ready);
    },
  });
  new Gauge({
    name: 'yeet_db_pool_connections',
    help: 'Connections of the database pool: active (checked out by a query or transaction) and idle.',
    labelNames: ['state'],
    registers,
    collect() {
      this.set({ state: 'active' }, pool.totalCount - pool.idleCount);
      this.set({ state: 'idle' }, pool.idleCount);
    },
  });
  new Gauge({
    name: 'yeet_db_pool_waiting',
    help: 'Callers waiting for a connection of the database pool.',
    registers,
    collect() {
      this.set(pool.waitingCount);
    },
  });
  new Gauge({
    name: 'yeet_db_pool_max',
    help: 'The most connections the database pool opens (DATABASE_POOL_MAX).',
    registers,
    collect() {
      this.set(pool.options.max ?? 10);
    },
  });
}
