import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@yeet/db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { recipeInput } from '../support/recipes.ts';
import { dashboardFiles, prometheusPath, ruleFiles } from './prometheus.ts';

/**
 * A real Prometheus (Debian's), on 127.0.0.1 with its own configuration and storage, scraping
 * an API and a worker every second and evaluating the real rule files every second.
 */
let api: TestPlatform;
let worker: TestPlatform;
let prometheus: ChildProcess;
let prometheusUrl = '';
let dir = '';
let db: pg.Client;

async function query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${prometheusUrl}/api/v1/query?${new URLSearchParams({ query: promql })}`);
  const body = (await res.json()) as { status: string; error?: string; data: { result: never[] } };
  if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`);
  return body.data.result;
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  if (!prometheusPath) return;
  api = await startTestPlatform();
  worker = await startTestPlatform({ ROLE: 'worker' }, api.database);
  db = new pg.Client({ connectionString: api.database.url });
  await db.connect();
  dir = await mkdtemp(path.join(tmpdir(), 'yeet-prometheus-'));
  const port = await freePort();
  const targets = [api.baseUrl, worker.baseUrl].map((u) => new URL(u).host);
  await writeFile(
    path.join(dir, 'prometheus.yml'),
    JSON.stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: ruleFiles,
      scrape_configs: [{ job_name: 'eat-or-yeet', static_configs: [{ targets }] }],
    }),
  );
  prometheus = spawn(
    prometheusPath,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  prometheus.stderr!.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  prometheusUrl = `http://127.0.0.1:${port}`;
  await until(
    () => fetch(`${prometheusUrl}/-/ready`).then((r) => r.status),
    (s) => s === 200,
    `Prometheus to be ready (${log})`,
  );
});

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((r) => prometheus.once('exit', r));
    prometheus.kill('SIGTERM');
    await exited;
  }
  if (dir) await rm(dir, { recursive: true, force: true });
  await db?.end();
  await worker?.stop();
  await api?.stop();
});

describe.skipIf(!prometheusPath)('Prometheus scraping the platform with the rules of deploy/observability', () => {
  it('records the database, pool and job metrics the cause alerts and the freshness SLO read', async () => {
    const publish = async () => {
      const author = api.recipes('alice', ['author']);
      const { recipe } = await author.createRecipe({ recipe: recipeInput() });
      await author.submitRecipe({ id: recipe!.id });
      await api.recipes('erin', ['editor']).approveRecipe({ id: recipe!.id });
    };
    await publish();
    const lag = await until(
      () => query('yeet_job_lag_seconds_count{task="search.index"}'),
      (r) => r.length === 1 && Number(r[0]!.value[1]) >= 1,
      'an index job in yeet_job_lag_seconds',
    );
    expect(lag[0]!.metric.instance).toBe(new URL(worker.baseUrl).host);
    // A rate needs the counter to grow after Prometheus first saw it: a second write.
    await publish();
    await until(
      () => query('yeet:slo_error_ratio:rate5m{slo="search-freshness"}'),
      (r) => r.length === 1 && r[0]!.value[1] === '0',
      'the search freshness SLO: both writes were searchable within 5 s',
    );
    const ready = await query('yeet_database_ready');
    expect(ready.map((r) => r.value[1])).toEqual(['1', '1']);
    const max = await query('yeet_db_pool_max');
    expect(max.map((r) => r.value[1])).toEqual(['5', '5']);
    expect(await query('yeet_db_pool_connections{state="active"}')).toHaveLength(2);
    expect(await query('up{job="eat-or-yeet"} == 1')).toHaveLength(2);
  }, 30_000);

  it('turns genuine server faults into a pending error budget alert', async () => {
    const reader = api.recipes();
    for (let i = 0; i < 20; i++) await reader.listRecipes({});
    // A table the API needs goes missing: every list is now an internal error of ours.
    await db.query('alter table recipes rename to recipes_gone');
    try {
      const alert = await until(
        async () => {
          await Promise.allSettled(Array.from({ length: 10 }, () => reader.listRecipes({})));
          const res = await fetch(`${prometheusUrl}/api/v1/alerts`);
          const body = (await res.json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
          return body.data.alerts.find((a) => a.labels.alertname === 'YeetErrorBudgetBurn');
        },
        (a) => a !== undefined,
        'YeetErrorBudgetBurn',
      );
      expect(alert).toMatchObject({
        state: 'pending',
        labels: { slo: 'api-availability', severity: 'page', job: 'eat-or-yeet' },
      });
    } finally {
      await db.query('alter table recipes_gone rename to recipes');
    }
    const faults = await query('sum by (code) (yeet_rpc_duration_seconds_count{method="yeet.v1.RecipeService/ListRecipes"})');
    expect(Object.fromEntries(faults.map((r) => [r.metric.code, Number(r.value[1]) > 0]))).toMatchObject({
      ok: true,
      Internal: true,
    });
  }, 30_000);

  it('draws the web vitals dashboard from the reports browsers send: p75 LCP by route', async () => {
    const dashboard = JSON.parse(await readFile(dashboardFiles.find((f) => f.endsWith('eoy-web-vitals.json'))!, 'utf8'));
    const panel = dashboard.panels.find((p: { title: string }) => p.title === 'LCP p75');
    const expr = (panel.targets[0].expr as string).replaceAll('$__rate_interval', '1m').replace(/\$\{?job\}?/g, '.*');
    const report = (lcpSeconds: number) =>
      fetch(`${api.baseUrl}/api/yeet.v1.TelemetryService/ReportWebVitals`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ route: '/r/$slug', lcpSeconds }),
      }).then((r) => r.status);
    // a rate needs two scrapes apart: keep reporting until the panel has a line
    const lines = await until(
      async () => {
        expect(await report(1.2)).toBe(200);
        return query(expr);
      },
      (r) => r.length > 0 && Number.isFinite(Number(r[0]!.value[1])),
      'the LCP p75 panel',
    );
    expect(lines[0]!.metric).toEqual({ route: '/r/$slug' });
    // every report was 1.2 s: the p75 falls in its bucket, (1, 1.8]
    expect(Number(lines[0]!.value[1])).toBeGreaterThan(1);
    expect(Number(lines[0]!.value[1])).toBeLessThanOrEqual(1.8);
  });

  it('answers every query of every dashboard panel without an error', async () => {
    const queries: string[] = [];
    for (const file of dashboardFiles) {
      const dashboard = JSON.parse(await readFile(file, 'utf8'));
      for (const panel of dashboard.panels) for (const target of panel.targets ?? []) queries.push(target.expr);
    }
    expect(queries.length).toBeGreaterThan(10);
    for (const q of queries) {
      // Grafana's variables as it would fill them in.
      const filled = q
        .replaceAll('$__rate_interval', '1m')
        .replaceAll('$__range', '5m')
        .replace(/\$\{?(namespace|job|method|task)\}?/g, '.*');
      await expect(query(filled), q).resolves.toBeInstanceOf(Array);
    }
  });
});
