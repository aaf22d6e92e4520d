import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * What /metrics says while the database is away: the alerts on it (YeetDatabaseNotReady) and
 * on the targets (YeetTargetDown) must tell the two apart, so the scrape itself has to succeed.
 */
let api: TestPlatform;
let admin: pg.Client;
let name = '';

beforeAll(async () => {
  api = await startTestPlatform();
  name = new URL(api.database.url).pathname.slice(1);
  admin = new pg.Client({ connectionString: inject('testDatabaseServer').adminUrl });
  await admin.connect();
});
afterAll(async () => {
  await admin?.query(`alter database ${name} allow_connections true`);
  await admin?.end();
  await api?.stop();
});

const metric = (text: string, series: string) =>
  new RegExp(`^${series.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)?.[1];

describe('the database metrics', () => {
  it('report the database ready and the pool, then not ready — with the scrape still answering — while it refuses connections', async () => {
    let res = await fetch(`${api.baseUrl}/metrics`);
    let text = await res.text();
    expect(metric(text, 'yeet_database_ready')).toBe('1');
    expect(metric(text, 'yeet_db_pool_max')).toBe('5');
    expect(Number(metric(text, 'yeet_db_pool_connections{state="idle"}'))).toBeGreaterThanOrEqual(0);
    // The scrape's own queries may be waiting for a connection as it is read.
    expect(Number(metric(text, 'yeet_db_pool_waiting'))).toBeGreaterThanOrEqual(0);
    // Jobs are queued (no worker runs here): a count, whatever it is.
    expect(Number(metric(text, 'yeet_job_queue_ready'))).toBeGreaterThanOrEqual(0);

    await admin.query(`alter database ${name} allow_connections false`);
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1`, [name]);
    // The pool notices its connections are gone at their next use; a scrape or two later nothing answers.
    const deadline = Date.now() + 5_000;
    do {
      res = await fetch(`${api.baseUrl}/metrics`);
      text = await res.text();
      expect(res.status).toBe(200);
    } while (metric(text, 'yeet_job_queue_ready')?.toLowerCase() !== 'nan' && Date.now() < deadline);
    expect(metric(text, 'yeet_database_ready')).toBe('0');
    // Not known rather than an empty queue (prom-client writes "Nan"; Prometheus reads NaN in any case).
    expect(metric(text, 'yeet_job_queue_ready')?.toLowerCase()).toBe('nan');

    await admin.query(`alter database ${name} allow_connections true`);
    // Back by itself: the pool connects again at the next scrape that needs it.
    const back = Date.now() + 5_000;
    do text = await (await fetch(`${api.baseUrl}/metrics`)).text();
    while (metric(text, 'yeet_database_ready') !== '1' && Date.now() < back);
    expect(metric(text, 'yeet_database_ready')).toBe('1');
    await new Promise((r) => setTimeout(r, 150)); // the queue's counts are shared by scrapes 100 ms apart
    text = await (await fetch(`${api.baseUrl}/metrics`)).text();
    expect(Number(metric(text, 'yeet_job_queue_ready'))).toBeGreaterThanOrEqual(0);
  });
});
