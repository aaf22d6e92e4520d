import { context, ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import * as sdk from '@opentelemetry/sdk-trace';
import { createMetrics, expectedErrors, instrument, observe, type Telemetry } from '@yeet/platform';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureLogs } from '../support/logs.ts';
import { AsyncLocalContextManager } from '../support/otel.ts';

/**
 * The spans of observed operations (packages/platform/src/instrument.ts) through an SDK in
 * this process, sampling as OTEL_TRACES_SAMPLER=parentbased_traceidratio does: what is
 * recorded under a kept trace, under a dropped one, and under a job's remote parent.
 */
const exporter = new sdk.InMemorySpanExporter();
const provider = new sdk.TracerProvider({
  // Parents in the process are followed; a trace with no parent (or a remote one) is kept.
  sampler: new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler(), remoteParentNotSampled: new sdk.AlwaysOnSampler() }),
  spanProcessors: [new sdk.SimpleSpanProcessor({ exporter })],
});
const tracer = provider.getTracer('test');

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalContextManager());
  trace.setGlobalTracerProvider(provider);
});
afterAll(() => {
  trace.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

class Store {
  async get(id: string) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return { id, span: trace.getActiveSpan()?.spanContext() };
  }
  async fail(): Promise<never> {
    throw new Error('kaboom');
  }
}

function setup() {
  const { logger, lines } = captureLogs();
  const telemetry: Telemetry = { logger, metrics: createMetrics({ defaultMetrics: false }) };
  const classify = expectedErrors((e): e is { code: string } => false);
  return { telemetry, lines: () => lines, store: instrument('store', 'Store', new Store(), telemetry, classify), classify };
}

/** A request's own span, started by the SDK as the HTTP server starts it: kept or dropped by its sampler. */
function request(sampled: boolean) {
  const span = sampled
    ? tracer.startSpan('GET /r/:slug', { kind: SpanKind.SERVER })
    : trace.wrapSpanContext({
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        traceFlags: TraceFlags.NONE,
      });
  return { span, context: trace.setSpan(ROOT_CONTEXT, span) };
}

describe('observed operations', () => {
  it('record a child span of a kept request, in whose context the work runs', async () => {
    const { store } = setup();
    const { span, context: active } = request(true);
    const result = await context.with(active, () => store.get('a'));
    span.end();
    const [child] = exporter.getFinishedSpans().filter((s) => s.name === 'Store.get');
    expect(child?.parentSpanContext?.spanId).toBe(span.spanContext().spanId);
    expect(result.span?.spanId).toBe(child?.spanContext().spanId);
  });

  it('record a child of a kept request that has already ended (work going on after the response)', async () => {
    const { store } = setup();
    const { span, context: active } = request(true);
    span.end();
    await context.with(active, () => store.get('c'));
    const [child] = exporter.getFinishedSpans().filter((s) => s.name === 'Store.get');
    expect(child?.parentSpanContext?.spanId).toBe(span.spanContext().spanId);
  });

  it('start no span under a request the sampler dropped: the work runs in the request’s trace, unrecorded', async () => {
    const { store, telemetry, lines, classify } = setup();
    const { span, context: active } = request(false);
    const result = await context.with(active, () => store.get('b'));
    expect(result.span).toEqual(span.spanContext());
    // Metrics and fault logs go on as in a kept trace: each fault logged once, where it surfaced.
    await context.with(active, () => store.fail()).catch(() => {});
    await context
      .with(active, () =>
        observe(telemetry, { kind: 'server', name: 'Probe/Get', system: 'connect_rpc' }, () => store.fail(), classify),
      )
      .catch(() => {});
    expect(
      lines()
        .filter((line) => line.level === 'error')
        .map((line) => line.operation),
    ).toEqual(['Store.fail', 'Store.fail']);
    const text = await telemetry.metrics.registry.metrics();
    expect(text).toMatch(/operation="Store.get",outcome="ok"\} 1/);
    expect(text).toMatch(/operation="Store.fail",outcome="internal"\} 2/);
    expect(text).toMatch(/yeet_rpc_duration_seconds_count\{method="Probe\/Get",code="internal"\} 1/);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('record a job under its enqueuer’s remote parent, sampled or not: the sampler decides for those', async () => {
    const { telemetry, classify } = setup();
    for (const traceFlags of [TraceFlags.SAMPLED, TraceFlags.NONE]) {
      const parent = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        traceFlags,
        isRemote: true,
      });
      await context.with(parent, () =>
        observe(telemetry, { kind: 'consumer', name: 'index_recipe', system: 'graphile_worker' }, async () => {}, classify),
      );
    }
    const jobs = exporter.getFinishedSpans().filter((s) => s.name === 'index_recipe');
    expect(jobs.map((s) => s.parentSpanContext?.spanId)).toEqual(['00f067aa0ba902b7', '00f067aa0ba902b7']);
    expect(jobs.map((s) => s.kind)).toEqual([SpanKind.CONSUMER, SpanKind.CONSUMER]);
  });
});
