import { performance } from 'node:perf_hooks';

/** One request of a burst: when it started and ended (performance.now()), and how it went. */
export interface Sample {
  start: number;
  end: number;
  status: number;
  /** Why it did not count as a success: a status, a body that is not the answer, a network error. */
  error: string | null;
  /** The replica nginx got the answer from (its X-Upstream header). */
  upstream: string | null;
}

export interface BurstOptions {
  /** The next request's URL and a check of its answer's body (true: the expected answer). */
  next: (i: number) => { url: string; check: (body: string) => boolean };
  concurrency: number;
  /** Bounds: the burst stops at whichever comes first, or at `stop`. */
  maxRequests: number;
  maxMs: number;
  stop: AbortSignal;
}

/** GETs from `concurrency` loops, each waiting for its answer before the next request; every sample kept. */
export async function burst(o: BurstOptions): Promise<Sample[]> {
  const samples: Sample[] = [];
  const deadline = performance.now() + o.maxMs;
  let issued = 0;
  const loop = async () => {
    while (!o.stop.aborted && performance.now() < deadline && issued < o.maxRequests) {
      const { url, check } = o.next(issued++);
      const start = performance.now();
      let status = 0;
      let error: string | null = null;
      let upstream: string | null = null;
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
        status = res.status;
        upstream = res.headers.get('x-upstream');
        const body = await res.text();
        if (status !== 200) error = `HTTP ${status}: ${body.slice(0, 200)}`;
        else if (!check(body)) error = `unexpected answer: ${body.slice(0, 200)}`;
      } catch (e) {
        error = e instanceof Error ? `${e.message}${e.cause ? ` (${String(e.cause)})` : ''}` : String(e);
      }
      samples.push({ start, end: performance.now(), status, error, upstream });
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, loop));
  return samples.sort((a, b) => a.start - b.start);
}

/** Milliseconds at the p-th percentile (0–100) of the samples' durations. */
export function percentile(samples: Sample[], p: number): number {
  if (!samples.length) return Number.NaN;
  const durations = samples.map((s) => s.end - s.start).sort((a, b) => a - b);
  return durations[Math.min(durations.length - 1, Math.ceil((p / 100) * durations.length) - 1)] ?? Number.NaN;
}

/** Count, errors and latency of the samples in flight at any time in [from, to). */
export function summarize(samples: Sample[], from = -Infinity, to = Infinity) {
  const within = samples.filter((s) => s.end >= from && s.start < to);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    requests: within.length,
    errors: within.filter((s) => s.error).length,
    p50Ms: round(percentile(within, 50)),
    p99Ms: round(percentile(within, 99)),
    maxMs: round(percentile(within, 100)),
  };
}
