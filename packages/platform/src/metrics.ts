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
    jobDuration: new Histogram({
      name: 'yeet_job_duration_seconds',
      help: 'Duration of background jobs by task and outcome.',
      labelNames: ['task', 'outcome'],
      buckets: durationBuckets,
      registers: [registry],
    }),
  };
}
