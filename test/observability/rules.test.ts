import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MethodOptions_IdempotencyLevel } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import type { DescService } from '@bufbuild/protobuf';
import * as contract from '@yeet/contract';
import { createMetrics } from '@yeet/platform';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { connectOutcome } from '../../apps/api/src/rpc/errors.ts';
import { allRules, promtoolPath, root, ruleFiles, run } from './prometheus.ts';

const testDir = path.join(import.meta.dirname, 'promtool');
const promtoolTests = ['slo.test.yaml', 'slo-6h.test.yaml', 'slo-3d.test.yaml', 'causes.test.yaml'].map((f) =>
  path.join(testDir, f),
);
const alerts = allRules().filter((r) => r.alert);
const sloExpr = (slo: string) =>
  allRules().find((r) => r.record === 'yeet:slo_error_ratio:rate5m' && r.labels?.slo === slo)!.expr;

describe.skipIf(!promtoolPath)('the Prometheus rules (deploy/observability/prometheus)', () => {
  it('pass promtool check rules', async () => {
    const { stdout } = await run(promtoolPath!, ['check', 'rules', ...ruleFiles]);
    expect(stdout).not.toContain('FAILED');
  });

  it('pass their promtool unit tests', async () => {
    // promtool exits non-zero on any failed case, with the differences on stdout.
    const result = await run(promtoolPath!, ['test', 'rules', ...promtoolTests], { cwd: testDir }).catch(
      (e: { stdout: string }) => e,
    );
    expect(result.stdout).not.toContain('FAILED');
    expect(result.stdout.match(/SUCCESS/g)).toHaveLength(promtoolTests.length);
  }, 60_000);
});

describe('the alerts', () => {
  it('each have a unit test where they fire and one where they do not', () => {
    const cases = promtoolTests.flatMap((f) =>
      parse(readFileSync(f, 'utf8')).tests.flatMap(
        (t: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }) => t.alert_rule_test ?? [],
      ),
    );
    for (const { alert } of alerts) {
      const own = cases.filter((c: { alertname: string }) => c.alertname === alert);
      expect(
        own.some((c: { exp_alerts?: unknown[] }) => c.exp_alerts?.length),
        `${alert} firing`,
      ).toBe(true);
      expect(
        own.some((c: { exp_alerts?: unknown[] }) => !c.exp_alerts?.length),
        `${alert} not firing`,
      ).toBe(true);
    }
  });

  it('stand on SLO ratios each checked against hand-computed values in a unit test', () => {
    const checked = promtoolTests.flatMap((f) =>
      parse(readFileSync(f, 'utf8')).tests.flatMap((t: { promql_expr_test?: { exp_samples: { labels: string }[] }[] }) =>
        (t.promql_expr_test ?? []).flatMap((e) => e.exp_samples.map((x) => /slo="([^"]+)"/.exec(x.labels)?.[1])),
      ),
    );
    const slos = allRules()
      .filter((r) => r.record === 'yeet:slo_objective:ratio')
      .map((r) => r.labels!.slo!);
    for (const slo of slos) expect(checked, slo).toContain(slo);
  });

  it('each link a runbook: a section of docs/operations.md that exists', () => {
    const docs = readFileSync(path.join(root, 'docs/operations.md'), 'utf8');
    // GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens.
    const anchors = new Set(
      [...docs.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
        m[1]!
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{N}\s_-]/gu, '')
          .replace(/\s/g, '-'),
      ),
    );
    const slos = allRules()
      .filter((r) => r.record === 'yeet:slo_objective:ratio')
      .map((r) => r.labels!.slo!);
    expect(slos).toEqual(['api-availability', 'api-latency', 'web-availability', 'web-ttfb', 'search-freshness']);
    for (const { alert, labels, annotations } of alerts) {
      const url = annotations?.runbook_url ?? '';
      expect(url, alert).toMatch(/^docs\/operations\.md#/);
      expect(anchors, `${alert}: ${url}`).toContain(url.split('#')[1]);
      // An SLO's alerts link its own section.
      if (labels?.slo) expect(url).toBe(`docs/operations.md#slo-${labels.slo}`);
    }
  });
});

describe('the SLOs count what the app reports', () => {
  it('api availability: exactly the Connect codes the API counts as faults are bad, client mistakes are not counted', () => {
    const codes = Object.values(Code).filter((c): c is Code => typeof c === 'number');
    const outcomes = codes.map((c) => connectOutcome(new ConnectError('x', c)));
    const faults = outcomes.filter((o) => o.fault).map((o) => o.label);
    const expr = sloExpr('api-availability');
    const bad = /code=~"([^"]+)"/.exec(expr)![1]!.split('|');
    expect(bad.sort()).toEqual([...faults].sort());
    // The denominator: successes and faults, nothing a client got wrong.
    const valid = [...expr.matchAll(/code=~"([^"]+)"/g)].map((m) => m[1]!.split('|').sort());
    expect(valid[1]).toEqual(['ok', ...faults].sort());
  });

  it('api latency: the reads are the methods the proto marks side-effect free, and 300 ms is a bucket boundary', async () => {
    // every service of the contract: a new read must join the objective's list
    const services = (Object.values(contract) as unknown[]).filter(
      (x): x is DescService => typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'service',
    );
    // A person's whole data in one answer is a download, not an interactive read: outside the 300 ms objective.
    const bulk = ['yeet.v1.UserService/ExportMyData'];
    const reads = services.flatMap((s) =>
      s.methods
        .filter((m) => m.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS)
        .map((m) => `${s.typeName}/${m.name}`)
        .filter((m) => !bulk.includes(m)),
    );
    expect(reads.length).toBeGreaterThan(0);
    const pattern = new RegExp(`^(?:${/method=~"([^"]+)"/.exec(sloExpr('api-latency'))![1]!.replaceAll('\\\\', '\\')})$`);
    const all = services.flatMap((s) => s.methods.map((m) => `${s.typeName}/${m.name}`));
    expect(all.filter((m) => pattern.test(m))).toEqual(reads);
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.rpcDuration.observe({ method: reads[0]!, code: 'ok' }, 0.01);
    expect(await metrics.registry.metrics()).toMatch(/^yeet_rpc_duration_seconds_bucket\{le="0.3",/m);
    expect(sloExpr('api-latency')).toContain('le="0.3"');
  });

  it('web TTFB: 500 ms is a bucket boundary of yeet_http_request_duration_seconds', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.httpDuration.observe({ route: '/', method: 'GET', status: '200' }, 0.01);
    expect(await metrics.registry.metrics()).toMatch(/^yeet_http_request_duration_seconds_bucket\{le="0.5",/m);
    expect(sloExpr('web-ttfb')).toContain('le="0.5"');
  });
});
