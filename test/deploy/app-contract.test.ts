import { Code, ConnectError } from '@connectrpc/connect';
import { createMetrics } from '@yeet/platform';
import { registerQueueMetrics } from '@yeet/worker';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { connectOutcome } from '../../apps/api/src/rpc/errors.ts';
import { find, render } from './chart.ts';

/**
 * What the chart's queries take from the app: metric names, their labels, and which RPC codes
 * are faults. A rename in the app fails here rather than in a canary analysis that can never
 * pass (or never fail) in production.
 */
const manifests = render(['values-production.yaml', 'values-production-eu.yaml']);

describe('the canary analysis and the queue autoscaler query metrics the app exports', () => {
  it('counts as errors exactly the RPC codes the API reports as faults, under the label it gives them', async () => {
    const template = find(await manifests, 'AnalysisTemplate', 'eoy-eat-or-yeet-rpc-canary');
    const query: string = template.spec.metrics.find((m: { name: string }) => m.name === 'error-rate').provider.prometheus.query;
    const counted = /code=~"([^"]+)"/.exec(query)![1]!.split('|').sort();
    const codes = Object.values(Code).filter((c): c is Code => typeof c === 'number');
    const faults = codes.map((c) => connectOutcome(new ConnectError('x', c))).filter((o) => o.fault);
    expect(counted).toEqual(faults.map((o) => o.label).sort());
  });

  it('reads yeet_rpc_duration_seconds, a histogram by method and code', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const histogram = metrics.registry.getSingleMetric('yeet_rpc_duration_seconds');
    expect((await histogram!.get()).type).toBe('histogram');
    metrics.rpcDuration.observe({ method: 'yeet.v1.RecipeService/GetRecipe', code: 'ok' }, 0.01);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^yeet_rpc_duration_seconds_bucket\{le="0.5",method="[^"]+",code="ok"\} 1$/m);
    const template = find(await manifests, 'AnalysisTemplate', 'eoy-eat-or-yeet-rpc-canary');
    const queried = template.spec.metrics.flatMap((m: any) =>
      [...(m.provider.prometheus.query as string).matchAll(/(yeet_[a-z_]+)\{/g)].map((x) => x[1]),
    );
    expect(new Set(queried)).toEqual(new Set(['yeet_rpc_duration_seconds_count', 'yeet_rpc_duration_seconds_bucket']));
  });

  it('reads yeet_http_request_duration_seconds for the web canary, a histogram by route, method and status', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    expect((await metrics.registry.getSingleMetric('yeet_http_request_duration_seconds')!.get()).type).toBe('histogram');
    metrics.httpDuration.observe({ route: '/*', method: 'GET', status: '503' }, 0.2);
    expect(await metrics.registry.metrics()).toMatch(
      /^yeet_http_request_duration_seconds_bucket\{le="0.5",route="[^"]+",method="GET",status="503"\} 1$/m,
    );
    const template = find(await manifests, 'AnalysisTemplate', 'eoy-eat-or-yeet-http-canary');
    const queries: string[] = template.spec.metrics.map((m: any) => m.provider.prometheus.query);
    const queried = queries.flatMap((q) => [...q.matchAll(/(yeet_[a-z_]+)\{/g)].map((x) => x[1]));
    expect(new Set(queried)).toEqual(
      new Set(['yeet_http_request_duration_seconds_count', 'yeet_http_request_duration_seconds_bucket']),
    );
    // Server faults only, under the label the app gives the status.
    expect(queries[0]).toContain('status=~"5.."');
  });

  it('scales the worker on yeet_job_queue_ready, a gauge every process with a database reports', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    // Nothing is queried before a scrape; the gauge only has to be registered.
    registerQueueMetrics({} as pg.Pool, metrics);
    expect(metrics.registry.getSingleMetric('yeet_job_queue_ready')).toBeDefined();
    const scaled = find(await manifests, 'ScaledObject', 'eoy-eat-or-yeet-worker');
    expect(scaled.spec.triggers[0].metadata.query).toBe(
      'max(yeet_job_queue_ready{namespace="recipes", app_kubernetes_io_instance="eoy"})',
    );
  });
});
