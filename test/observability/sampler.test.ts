import { ROOT_CONTEXT, SamplingDecision, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import * as sdk from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { samplerFromEnv } from '../../apps/server/src/tracing.ts';

/** What OTEL_TRACES_SAMPLER decides for spans with and without parents (docs/operations.md, Traces). */
const traceId = '0af7651916cd43dd8448eb211c80319c';
const parent = (flags: TraceFlags, isRemote: boolean) =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: 'b7ad6b7169203331', traceFlags: flags, isRemote });
const decide = (sampler: sdk.Sampler | undefined, context = ROOT_CONTEXT, id = traceId) =>
  sampler?.shouldSample(context, id, 'span', SpanKind.SERVER, {}, []).decision;

describe('samplerFromEnv', () => {
  it('records every span by default, whatever a remote parent says', () => {
    const sampler = samplerFromEnv({}, sdk);
    expect(decide(sampler)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(sampler, parent(TraceFlags.NONE, true))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(sampler, parent(TraceFlags.SAMPLED, false))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('records nothing with parentbased_always_off, even under a sampled remote parent', () => {
    const sampler = samplerFromEnv({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' }, sdk);
    expect(decide(sampler)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(sampler, parent(TraceFlags.SAMPLED, true))).toBe(SamplingDecision.NOT_RECORD);
  });

  it('decides a ratio by the trace id for remote parents, and follows parents in the process', () => {
    const sampler = samplerFromEnv({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' }, sdk);
    // The XOR of the id's four 32-bit words against ratio × 2³² (as test/observability/tracing.test.ts).
    const refused = 'abcdef01abcdef0100000000fffffffe';
    const kept = 'abcdef01abcdef010000000000000001';
    expect(decide(sampler, parent(TraceFlags.SAMPLED, true), refused)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(sampler, parent(TraceFlags.NONE, true), kept)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(sampler, parent(TraceFlags.SAMPLED, false), refused)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(sampler, parent(TraceFlags.NONE, false), kept)).toBe(SamplingDecision.NOT_RECORD);
  });
});
