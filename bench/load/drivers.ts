import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import http from 'node:http';

/** One HTTP request of a scenario, as the load generator sends it. */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * How an answer counts. Rate limits (429) and overload refusals (503) are outcomes of their
 * own, not errors: both are the server protecting itself as designed, and each has its own
 * threshold (a refusal must be fast). Anything else that is not the expected answer is an error.
 */
export type Outcome = 'served' | 'limited' | 'refused' | 'error' | 'timeout';

/** What a body says: the expected answer, not it, or a rate limit said in a 200 (an MCP tool error). */
export type Verdict = boolean | 'limited';

/** Everything one run of a scenario measured. Latencies in milliseconds. */
export class Recorder {
  readonly served: number[] = [];
  readonly refused: number[] = [];
  readonly limited: number[] = [];
  errors = 0;
  timeouts = 0;
  /** Refusals (503) and limits (429) that came without Retry-After. */
  withoutRetryAfter = 0;
  readonly statuses = new Map<number, number>();
  /** Open model: how late each request was sent after its scheduled time (the generator's own lag). */
  readonly sendLag: number[] = [];
  /** A few examples of errors, for the report. */
  readonly examples: string[] = [];
  seconds = 0;

  add(
    status: number,
    latencyMs: number,
    ok: (status: number) => boolean,
    retryAfter: boolean | null,
    body: Verdict = true,
  ): Outcome {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    let outcome: Outcome;
    if (ok(status) && body === false) {
      this.error(`HTTP ${status} with an unexpected body`);
      return 'error';
    }
    if (ok(status) && body === 'limited') outcome = 'limited';
    else if (ok(status)) outcome = 'served';
    else if (status === 429) outcome = 'limited';
    else if (status === 503) outcome = 'refused';
    else outcome = 'error';
    if (outcome === 'served') this.served.push(latencyMs);
    else if (outcome === 'limited') this.limited.push(latencyMs);
    else if (outcome === 'refused') this.refused.push(latencyMs);
    else this.error(`HTTP ${status}`);
    if ((outcome === 'limited' || outcome === 'refused') && retryAfter === false) this.withoutRetryAfter += 1;
    return outcome;
  }

  error(example: string): void {
    this.errors += 1;
    if (this.examples.length < 5 && !this.examples.includes(example)) this.examples.push(example);
  }

  timeout(): void {
    this.timeouts += 1;
  }

  get total(): number {
    return this.served.length + this.refused.length + this.limited.length + this.errors + this.timeouts;
  }
}

/** Nearest-rank percentile (0–100) of latencies; NaN for none. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface DriverOptions {
  baseUrl: string;
  /** The i-th request (0, 1, …). Returns null when the scenario has nothing left to send. */
  next: (i: number) => LoadRequest | null;
  /** Which statuses are the expected answer. */
  ok: (status: number) => boolean;
  /** Whether an expected status came with the expected body (an MCP tool error is a 200, too). */
  verify?: (body: string) => Verdict;
  seconds: number;
  /** A request not answered within this counts as a client timeout. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Closed model: `connections` users, each sending its next request only when the last one
 * is answered. What a fixed population of busy users does; note that a slow server slows the
 * arrivals too, so it under-reports the latency of a stall (see the open model below).
 *
 * A user told to come back later (503 or 429 with Retry-After) waits that long first, as a
 * browser does: the busy page reloads itself after Retry-After's time and the app's calls
 * retry after it (docs/decisions/0047). A user who asked again at once would only measure how
 * fast the server can refuse: 200 of them kept ~20,000 refusals a second going and took the
 * CPU the pages needed.
 */
export async function closedLoop(o: DriverOptions & { connections: number }): Promise<Recorder> {
  const recorder = new Recorder();
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections, timeout: 4_000 });
  const started = performance.now();
  const end = started + o.seconds * 1000;
  let i = 0;
  const user = async () => {
    while (!o.signal?.aborted && performance.now() < end) {
      const request = o.next(i++);
      if (!request) return;
      const sent = performance.now();
      const answer = await send1(o.baseUrl, request, agent, o.timeoutMs);
      if (answer.kind === 'timeout') recorder.timeout();
      else if (answer.kind === 'error') recorder.error(answer.message);
      else {
        const verdict = o.verify ? o.verify(answer.body) : true;
        recorder.add(answer.status, performance.now() - sent, o.ok, answer.retryAfter, verdict);
        if (answer.retryAfterMs !== null) await sleep(Math.min(answer.retryAfterMs, Math.max(0, end - performance.now())));
      }
    }
  };
  await Promise.all(Array.from({ length: o.connections }, user));
  recorder.seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return recorder;
}

/**
 * Open model: requests start at a fixed rate whatever the server does, as independent
 * visitors arrive. Latency is measured from when a request was *scheduled* to start, not
 * from when it was sent: a generator that waits for answers before sending more (or that
 * falls behind) would otherwise leave out exactly the requests a stall delays — Gil Tene's
 * "coordinated omission" (How NOT to Measure Latency, 2013; the reason wrk2 and HdrHistogram
 * correct for it). Requests go out over node:http with no cap on connections, so a slow server
 * makes connections pile up instead of slowing the arrivals.
 */
export async function openModel(o: DriverOptions & { rate: number }): Promise<Recorder> {
  const recorder = new Recorder();
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: Number.POSITIVE_INFINITY,
    // An idle socket is dropped before the server's keep-alive timeout (5 s) can close it under a request.
    timeout: 4_000,
  });
  const interval = 1000 / o.rate;
  const t0 = performance.now();
  const end = t0 + o.seconds * 1000;
  const inflight = new Set<Promise<void>>();
  let i = 0;
  const send = async (request: LoadRequest, scheduled: number) => {
    recorder.sendLag.push(performance.now() - scheduled);
    const left = o.timeoutMs - (performance.now() - scheduled);
    const answer = await send1(o.baseUrl, request, agent, Math.max(1, left));
    if (answer.kind === 'timeout') recorder.timeout();
    else if (answer.kind === 'error') recorder.error(answer.message);
    else
      recorder.add(
        answer.status,
        performance.now() - scheduled,
        o.ok,
        answer.retryAfter,
        o.verify ? o.verify(answer.body) : true,
      );
  };
  let exhausted = false;
  while (!o.signal?.aborted && !exhausted) {
    let scheduled = t0 + i * interval;
    if (scheduled >= end) break;
    // Every request whose time has come starts now, timed from when it was due.
    while (scheduled <= performance.now() && scheduled < end) {
      const request = o.next(i);
      if (!request) {
        exhausted = true;
        break;
      }
      const p = send(request, scheduled).finally(() => inflight.delete(p));
      inflight.add(p);
      i += 1;
      scheduled = t0 + i * interval;
    }
    await sleep(Math.max(0, Math.min(scheduled - performance.now(), 5)));
  }
  await Promise.all(inflight);
  // Throughput over the window arrivals came in: every arrival is served, refused, limited,
  // an error or a timeout, so this is the share served times the rate. (The drain after the
  // window is latency, judged by the percentiles.)
  recorder.seconds = Math.min(o.seconds, (performance.now() - t0) / 1000);
  agent.destroy();
  return recorder;
}

export type Answer =
  | { kind: 'answer'; status: number; retryAfter: boolean; retryAfterMs: number | null; body: string }
  | { kind: 'timeout' }
  | { kind: 'error'; message: string };

/** One request over node:http (no fetch: its pool would cap and queue connections per origin). */
export function send1(baseUrl: string, r: LoadRequest, agent: http.Agent, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    const url = new URL(r.path, baseUrl);
    const body = r.body === undefined ? undefined : Buffer.from(r.body);
    const headers = body ? { ...r.headers, 'content-length': String(body.length) } : r.headers;
    const req = http.request(url, { method: r.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({
          kind: 'answer',
          status: res.statusCode ?? 0,
          retryAfter: res.headers['retry-after'] !== undefined,
          retryAfterMs: waitOf(res.headers['retry-after']),
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
      res.on('error', (e) => resolve({ kind: 'error', message: e.message }));
    });
    const timer = setTimeout(() => {
      resolve({ kind: 'timeout' });
      req.destroy();
    }, timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ kind: 'error', message: e.code ?? e.message });
    });
    req.end(body);
  });
}

/** Retry-After (RFC 9110 §10.2.3: seconds, or an HTTP date) in milliseconds from now; null when absent or unreadable. */
function waitOf(header: string | undefined): number | null {
  if (header === undefined) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}
