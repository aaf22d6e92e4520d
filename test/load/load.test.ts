import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@yeet/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Recorder } from '../../bench/load/drivers.ts';
import { checks, type Scenario, scenarioNames } from '../../bench/load/scenarios.ts';
import { runSuite } from '../../bench/load/suite.ts';

/**
 * The short version of `npm run load` (bench/load.ts, docs/load.md): every scenario for a
 * couple of seconds under each model, at a tenth of the full suite's connections and rates,
 * on the platform as a child process (`main.ts start --role all`) with this test's database.
 * The thresholds are the suite's own, six times looser (latency × 6, throughput floors at a
 * tenth ÷ 6): a 2-core machine shared with other builds (load average 20 when this was
 * written) passes — and a page that fails, hangs or crawls does not; no errors, no timeouts.
 */
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase(inject('testDatabaseServer'));
});
afterAll(async () => {
  await database?.drop();
});

describe('the load suite, short', () => {
  it('holds every scenario threshold and the memory ceiling', async () => {
    const lines: string[] = [];
    const started = Date.now();
    const result = await runSuite({
      profile: { seconds: 1.2, scale: 0.1, slack: 6, timeoutMs: 10_000, warmupSeconds: 0 },
      scenarios: scenarioNames,
      models: ['closed', 'open'],
      faults: [],
      dataDir: path.resolve(import.meta.dirname, '../../.data/test-load'),
      databaseUrl: database.url,
      catalogue: 'small',
      redis: false,
      pgPauseMs: 0,
      env: {},
      rssLimitBytes: 400 * 2 ** 20,
      people: { authors: 2, editors: 1, readers: 2, assistants: 1 },
      log: (m) => lines.push(`${((Date.now() - started) / 1000).toFixed(1)} s: ${m}`),
    });
    const failed = result.checks.filter((c) => !c.ok);
    expect(failed, `${lines.join('\n')}\n\n${result.report}`).toEqual([]);
    // Every scenario ran under both models, and the RSS was sampled: judged in each scenario and over the whole run.
    const rss = (c: { check: string }) => c.check === 'peak RSS of the --role all process';
    const ran = [...new Set(result.checks.filter((c) => !rss(c)).map((c) => c.scenario))];
    expect(ran).toHaveLength(scenarioNames.length * 2);
    const judged = result.checks.filter(rss).map((c) => c.scenario);
    expect(judged).toEqual(expect.arrayContaining([...ran, 'whole run']));
    expect(result.report).toMatch(/whole run\s+peak RSS of the --role all process\s+< 400 MB\s+\d+ MB/);
    expect(result.rssSamples).toBeGreaterThan(10);
  }, 120_000);
});

describe('the thresholds', () => {
  const scenario = {
    name: 'search',
    what: 'a check of the checks',
    connections: 1,
    rate: 10,
    thresholds: { p95Ms: 100, p99Ms: 200, errorRate: 0.01, refusedP99Ms: 100, minServedPerSecond: 5, maxTimeouts: 0 },
    ok: (s: number) => s === 200,
    next: () => null,
  } satisfies Scenario;
  const failing = (r: Recorder, model: 'closed' | 'open' = 'closed') =>
    checks({ scenario, model, recorder: r })
      .filter((c) => !c.ok)
      .map((c) => c.check);

  it('pass a fast, clean run', () => {
    const r = new Recorder();
    for (let i = 0; i < 100; i++) r.add(200, 10 + (i % 20), scenario.ok, null);
    r.seconds = 10;
    expect(failing(r)).toEqual([]);
  });

  it('fail on slow answers, errors, timeouts, slow refusals and too little served', () => {
    const r = new Recorder();
    for (let i = 0; i < 90; i++) r.add(200, 500, scenario.ok, null);
    for (let i = 0; i < 5; i++) r.add(500, 5, scenario.ok, null);
    for (let i = 0; i < 5; i++) r.add(503, 300, scenario.ok, true);
    r.timeout();
    r.seconds = 100;
    expect(failing(r)).toEqual(['served p95', 'served p99', 'error rate', 'client timeouts', 'served / s', '503 refusals p99']);
  });

  it('count 429 and 503 apart from errors, and want Retry-After on them', () => {
    const r = new Recorder();
    for (let i = 0; i < 100; i++) r.add(200, 10, scenario.ok, null);
    r.add(429, 3, scenario.ok, false);
    r.add(503, 3, scenario.ok, true);
    r.seconds = 10;
    expect([r.errors, r.limited.length, r.refused.length]).toEqual([0, 1, 1]);
    expect(failing(r)).toEqual(['429/503 carry Retry-After']);
  });

  it('judge the open model by the share of arrivals served', () => {
    const r = new Recorder();
    for (let i = 0; i < 50; i++) r.add(200, 10, scenario.ok, null);
    r.seconds = 10; // 5/s served of 10/s offered
    expect(failing(r, 'open')).toEqual(['served / s']);
    expect(failing(r, 'closed')).toEqual([]);
  });
});
