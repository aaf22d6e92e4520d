import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds; from sub-millisecond store calls to slow page renders. */
const durationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The process's metrics, in a registry of its own (tests build several apps in one
 * process). Exposed at GET /metrics in the Prometheus text format.
 */
export interface Metrics {
  registry: Registry;
  /** RED per RPC method: rate and errors from the count by code, duration from the buckets. */
  rpcDuration: Histogram<'method' | 'code'>;
  /** Every controller and store method, labelled by layer. */
  operationDuration: Histogram<'layer' | 'operation' | 'outcome'>;
  /**
   * Every HTTP response by route pattern (not the raw URL: bounded cardinality), method and
   * status: RED for the pages the web role renders, which are not RPCs.
   */
  httpDuration: Histogram<'route' | 'method' | 'status'>;
  /** Background jobs by task; outcome "error" means the job will be retried (or has failed for good). */
  jobDuration: Histogram<'task' | 'outcome'>;
  /** Search results served from the in-process cache, and those computed. */
  searchCacheHits: Counter<'kind'>;
  searchCacheMisses: Counter<'kind'>;
  /**
   * Web vitals from visitors' browsers (TelemetryService.ReportWebVitals), by page route
   * pattern: LCP, INP and TTFB in seconds (`metric`), CLS apart (it has no unit).
   */
  webVitals: Histogram<'route' | 'metric'>;
  webVitalsCls: Histogram<'route'>;
  /** Reports refused as unbelievable, by what was wrong: the route or a value. */
  webVitalsRefused: Counter<'reason'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'yeet_' });
  return {
    registry,
    rpcDuration: new Histogram({
      name: 'yeet_rpc_duration_seconds',
      help: 'Duration of RPC calls by method and result code.',
      labelNames: ['method', 'code'],
      // 300 ms: the API latency SLO's threshold (deploy/observability) must be a bucket's bound.
      buckets: [...durationBuckets, 0.3].sort((a, b) => a - b),
      registers: [registry],
    }),
    operationDuration: new Histogram({
      name: 'yeet_operation_duration_seconds',
      help: 'Duration of controller and store methods by layer, operation and outcome.',
      labelNames: ['layer', 'operation', 'outcome'],
      buckets: durationBuckets,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'yeet_http_request_duration_seconds',
      help: 'Duration of HTTP responses by route pattern, method and status code.',
      labelNames: ['route', 'method', 'status'],
      buckets: durationBuckets,
      registers: [registry],
    }),
    searchCacheHits: new Counter({
      name: 'yeet_search_cache_hits_total',
      help: 'Search and suggest results served from the cache.',
      labelNames: ['kind'],
      registers: [registry],
    }),
    searchCacheMisses: new Counter({
      name: 'yeet_search_cache_misses_total',
      help: 'Search and suggest results computed by the engine.',
      labelNames: ['kind'],
      registers: [registry],
    }),
    webVitals: new Histogram({
      name: 'yeet_web_vitals_seconds',
      help: 'Web vitals of page loads as visitors saw them (lcp, inp, ttfb), by route pattern.',
      labelNames: ['route', 'metric'],
      // The "good" and "poor" thresholds of each (web.dev: LCP 2.5 s/4 s, INP 0.2 s/0.5 s,
      // TTFB 0.8 s/1.8 s) are bounds, so a dashboard reads the share of good page loads exactly.
      buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1, 1.8, 2.5, 4, 6, 10, 20],
      registers: [registry],
    }),
    webVitalsCls: new Histogram({
      name: 'yeet_web_vitals_cls',
      help: 'Cumulative Layout Shift of page loads as visitors saw them, by route pattern.',
      labelNames: ['route'],
      // good up to 0.1, poor from 0.25 (web.dev)
      buckets: [0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1],
      registers: [registry],
    }),
    webVitalsRefused: new Counter({
      name: 'yeet_web_vitals_refused_total',
      help: 'Web vitals reports refused, by reason (route: not a page of the web app; value: out of range).',
      labelNames: ['reason'],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'yeet_job_duration_seconds',
      help: 'Duration of background jobs by task and outcome.',
      labelNames: ['task', 'outcome'],
      buckets: durationBuckets,
      registers: [registry],
    }),
  };
}
