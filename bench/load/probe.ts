import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { type LoadRequest, send1 } from './drivers.ts';

/** One request of a probe: when it started and ended (performance.now()), and its answer. */
export interface Sample {
  start: number;
  end: number;
  /** 0: no answer (a network error or a client timeout). */
  status: number;
  error: string | null;
  body: string;
  /** The request, for a retry. */
  request: LoadRequest;
}

/**
 * `concurrency` loops, each sending its next request when the last one is answered, until
 * `stop` is aborted; every sample kept, so that a fault's window can be looked at on its own.
 */
export async function probe(
  baseUrl: string,
  next: (i: number) => LoadRequest,
  o: { concurrency: number; timeoutMs: number; stop: AbortSignal },
): Promise<Sample[]> {
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: Number.POSITIVE_INFINITY,
    // An idle socket is dropped before the server's keep-alive timeout (5 s) can close it under a request.
    timeout: 4_000,
  });
  const samples: Sample[] = [];
  let i = 0;
  const loop = async () => {
    while (!o.stop.aborted) {
      const request = next(i++);
      const start = performance.now();
      const answer = await send1(baseUrl, request, agent, o.timeoutMs);
      const end = performance.now();
      if (answer.kind === 'answer') {
        samples.push({ start, end, status: answer.status, error: null, body: answer.body.slice(0, 300), request });
      } else {
        samples.push({
          start,
          end,
          status: 0,
          error: answer.kind === 'timeout' ? 'client timeout' : answer.message,
          body: '',
          request,
        });
      }
      // Pause briefly after a failure: a refused connection answers at once, and a tight loop would only count those.
      if (answer.kind !== 'answer') await new Promise((r) => setTimeout(r, 50));
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, loop));
  agent.destroy();
  return samples.sort((a, b) => a.start - b.start);
}

/** Statuses of the samples as "200×812, 503×40, no answer×2". */
export function statusMix(samples: Sample[]): string {
  const counts = new Map<string, number>();
  for (const s of samples) {
    const key = s.status ? String(s.status) : `no answer (${s.error})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k}×${n}`).join(', ') || 'none';
}

export const longest = (samples: Sample[]) => samples.reduce((m, s) => Math.max(m, s.end - s.start), 0);
