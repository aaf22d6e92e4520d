import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import type { NodeSDK } from '@opentelemetry/sdk-node';
import type { Sampler } from '@opentelemetry/sdk-trace';

/**
 * The OpenTelemetry SDK, started from the standard OTEL_* variables before anything it
 * instruments is loaded: main.ts imports this module first, and ES modules evaluate their
 * imports in order, so the SDK is registered before the platform is loaded. It is loaded with
 * require because it must be synchronous (a top-level await would not hold back the imports
 * after it) and so that a process with nowhere to send traces never loads it at all: then
 * spans stay no-ops of @opentelemetry/api, log lines carry no trace id, and the cost is nil.
 */
let sdk: NodeSDK | null = null;

/** Traces have somewhere to go: an OTLP endpoint, or an exporter named explicitly. */
export function tracingConfigured(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporters) return exporters !== 'none';
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/**
 * The sampler OTEL_TRACES_SAMPLER names, except that a parent-based one does not take a remote
 * caller's sampled flag as an order: anyone's browser sends a traceparent, and "01" on every
 * request would make the platform record and export them all whatever ratio the operator set.
 * The configured root sampler decides for a request with a remote parent as for one without:
 * the traceidratio one decides by the trace id alone, so every process of the platform (web,
 * api, the worker continuing a job's trace) keeps or drops the same traces. Parents inside
 * the process are followed as usual. Other samplers ignore parents anyway: the SDK reads them.
 */
export function samplerFromEnv(env: NodeJS.ProcessEnv, sdk: typeof import('@opentelemetry/sdk-trace')): Sampler | undefined {
  const name = env.OTEL_TRACES_SAMPLER?.trim() || 'parentbased_always_on';
  // With every trace kept (or none), a parent cannot change the decision: in-process parents
  // are all sampled (or none is), remote ones go to the root anyway. The root alone decides the
  // same, without the parent-based sampler's second validation of the parent's ids (two regular
  // expressions per span; the tracer's and the sampler's together were ~0.8 % of a traced
  // GetRecipe's CPU in a profile).
  if (name === 'parentbased_always_on') return new sdk.AlwaysOnSampler();
  if (name === 'parentbased_always_off') return new sdk.AlwaysOffSampler();
  const root =
    name === 'parentbased_traceidratio' ? new sdk.TraceIdRatioBasedSampler(samplerRatio(env.OTEL_TRACES_SAMPLER_ARG)) : undefined;
  return root && new sdk.ParentBasedSampler({ root, remoteParentSampled: root, remoteParentNotSampled: root });
}

/** OTEL_TRACES_SAMPLER_ARG as the specification reads it: a share from 0 to 1, 1 when unset. */
function samplerRatio(arg: string | undefined): number {
  if (!arg?.trim()) return 1;
  const ratio = Number(arg);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new Error(`OTEL_TRACES_SAMPLER_ARG must be the share of traces to record, from 0 to 1 (e.g. 0.1); got "${arg}"`);
  }
  return ratio;
}

function startTracing(env: NodeJS.ProcessEnv, role: string): NodeSDK {
  const require = createRequire(import.meta.url);
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const sampler = samplerFromEnv(env, require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace'));
  const { UndiciInstrumentation } =
    require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
  const named = Boolean(env.OTEL_SERVICE_NAME?.trim()) || /(^|,)\s*service\.name\s*=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '');
  const started = new NodeSDK({
    ...(named ? {} : { serviceName: `eat-or-yeet-${role}` }),
    ...(sampler ? { sampler } : {}),
    // Metrics stay on /metrics (Prometheus) and logs on stdout: the SDK carries traces only.
    metricReaders: [],
    logRecordProcessors: [],
    // Incoming requests get their span from the HTTP server (http-server.ts), far cheaper than the
    // instrumentation of node:http; nothing of ours calls out through node:http, only through fetch.
    // SQL statements get theirs from our pools (packages/db/src/trace.ts), far cheaper than
    // @opentelemetry/instrumentation-pg's (decision 0046).
    instrumentations: [new UndiciInstrumentation()],
  });
  started.start();
  return started;
}

/** Sends the spans still buffered; the last step of a stop. */
export async function stopTracing(): Promise<void> {
  await sdk?.shutdown();
}

// Only the long-running platform is traced; the CLI's one-shot commands are not services.
const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: { role: { type: 'string' } },
  strict: false,
  allowPositionals: true,
});
if ((positionals[0] ?? 'start') === 'start' && tracingConfigured(process.env)) {
  const role = typeof values.role === 'string' ? values.role : (process.env.ROLE ?? 'all');
  sdk = startTracing(process.env, role);
}
