import { currentWebSessionPath, type Metrics } from '@yeet/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge } from 'prom-client';
import { probeRoutes } from './probes.ts';

/** Given back when a request is done (or gone): lets the next one in. Safe to call twice. */
export type Release = () => void;

/** Past the limit and the queue: the request is refused at once. */
export class OverloadedError extends Error {
  constructor() {
    super('The server is busy with other requests; try again in a moment.');
    this.name = 'OverloadedError';
  }
}

/** How long a refused client is asked to wait before trying again (Retry-After). */
export const retryAfterSeconds = 2;

export interface AdmissionLimits {
  /** Requests in progress at once; 0: no bound at all. */
  concurrency: number;
  /** Requests that may wait for a slot. */
  queue: number;
  /** Longest a newcomer is expected to wait for a slot before it is refused instead; 0: no such bound. */
  queueWaitMs: number;
}

/** Weight of the newest request in the running mean of how long a request holds its slot. */
const smoothing = 0.1;
/** A request holding its slot longer (an upload, a stream) counts as this long in that mean. */
const longestSampleMs = 5_000;

/**
 * A bound on the work one process does at once: `concurrency` requests in progress, up to
 * `queue` more waiting for a turn (first come, first served), and beyond that an immediate
 * refusal. A request that waited in vain for seconds helps nobody: under a spike the ones
 * in progress finish quickly and the rest are told at once to come back.
 *
 * A queue of fixed length waits longer the slower the requests go (a busy machine, a slow
 * database), so a newcomer is also refused when its expected wait — its place in the queue
 * times the running mean of how long a request holds its slot, over `concurrency` — exceeds
 * `queueWaitMs`. `concurrency` 0 turns the bound off.
 */
export class Admission {
  readonly concurrency: number;
  readonly queue: number;
  readonly queueWaitMs: number;
  #active = 0;
  /** Running mean of how long a request holds its slot, ms; null until one has finished. */
  #holdMs: number | null = null;
  readonly #waiting: Array<(release: Release) => void> = [];
  readonly #refused: Counter<'reason'> | null;
  readonly #now: () => number;

  constructor(limits: AdmissionLimits, metrics?: Metrics, now: () => number = performance.now.bind(performance)) {
    this.concurrency = limits.concurrency;
    this.queue = limits.queue;
    this.queueWaitMs = limits.queueWaitMs;
    this.#now = now;
    if (!metrics) {
      this.#refused = null;
      return;
    }
    this.#refused = new Counter({
      name: 'yeet_http_refused_total',
      help: 'Requests refused with 503 at the concurrency limit: the queue was full, or its wait too long (reason).',
      labelNames: ['reason'],
      registers: [metrics.registry],
    });
    const self = this;
    new Gauge({
      name: 'yeet_http_in_progress',
      help: 'Requests holding one of the HTTP_CONCURRENCY slots.',
      registers: [metrics.registry],
      collect() {
        this.set(self.active);
      },
    });
    new Gauge({
      name: 'yeet_http_queued',
      help: 'Requests waiting for a slot (at most HTTP_QUEUE).',
      registers: [metrics.registry],
      collect() {
        this.set(self.queued);
      },
    });
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  /** How long a request now arriving is expected to wait for a slot, ms (0 while nothing is known). */
  get expectedWaitMs(): number {
    return this.#holdMs === null ? 0 : ((this.#waiting.length + 1) * this.#holdMs) / this.concurrency;
  }

  /**
   * A slot: at once, or after the requests queued before this one; null when the queue is
   * full too (the caller refuses). `cancel` leaves the queue (the client went away).
   */
  enter(): { admitted: Promise<Release>; cancel: () => void } | null {
    if (this.concurrency === 0) return { admitted: Promise.resolve(() => {}), cancel: () => {} };
    if (this.#active < this.concurrency) {
      this.#active++;
      return { admitted: Promise.resolve(this.#release()), cancel: () => {} };
    }
    if (this.#waiting.length >= this.queue) {
      this.#refused?.inc({ reason: 'full' });
      return null;
    }
    if (this.queueWaitMs > 0 && this.expectedWaitMs > this.queueWaitMs) {
      this.#refused?.inc({ reason: 'wait' });
      return null;
    }
    let grant!: (release: Release) => void;
    const admitted = new Promise<Release>((resolve) => {
      grant = resolve;
    });
    this.#waiting.push(grant);
    const cancel = () => {
      const at = this.#waiting.indexOf(grant);
      if (at >= 0) this.#waiting.splice(at, 1);
    };
    return { admitted, cancel };
  }

  /** Runs `work` in a slot; throws OverloadedError when there is none to be had. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const ticket = this.enter();
    if (!ticket) throw new OverloadedError();
    const release = await ticket.admitted;
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** A release that hands the slot to the first one waiting, or frees it. */
  #release(): Release {
    let released = false;
    const since = this.#now();
    return () => {
      if (released) return;
      released = true;
      const held = Math.min(this.#now() - since, longestSampleMs);
      this.#holdMs = this.#holdMs === null ? held : this.#holdMs + smoothing * (held - this.#holdMs);
      const next = this.#waiting.shift();
      if (next) next(this.#release());
      else this.#active--;
    };
  }
}

/** How a route takes part: `limited` (the default) waits for a slot in onRequest; `exempt` does not. */
export type AdmissionMode = 'limited' | 'exempt';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Per request: whether it needs a slot before its handler runs (see registerAdmission). */
    admission?: (req: FastifyRequest) => AdmissionMode;
  }
}

/**
 * Every request of `app` takes a slot of `admission` before its handler runs and gives it
 * back when its response is finished or its client is gone. Never refused: the probes and
 * /metrics (a busy process must still say it is alive and be watched), hashed assets,
 * images (the resizer has a queue of its own) and the web session check. A route decides for itself with
 * `config.admission` (the web's anonymous pages: a cached page costs nothing, and a render
 * takes its slot inside, see web.ts).
 */
export function registerAdmission(app: FastifyInstance, admission: Admission): void {
  if (admission.concurrency === 0) return;
  app.addHook('onRequest', (req, reply, done) => {
    if (exempt(req)) return done();
    const ticket = admission.enter();
    if (!ticket) {
      refuse(req, reply);
      return;
    }
    let release: Release | null = null;
    let gone = false;
    // 'close' comes when the response is finished, or when the client went away first.
    reply.raw.once('close', () => {
      gone = true;
      if (release) release();
      else ticket.cancel();
    });
    ticket.admitted.then((r) => {
      release = r;
      if (gone) r();
      done();
    });
  });
}

function exempt(req: FastifyRequest): boolean {
  const route = req.routeOptions.url;
  if (route !== undefined && probeRoutes.has(route)) return true;
  if (req.method !== 'GET' && req.method !== 'HEAD') return req.routeOptions.config.admission?.(req) === 'exempt';
  if (req.url.startsWith('/assets/') || req.url.startsWith('/_img/')) return true;
  // One key lookup that a page being rendered waits on (web-session.ts): queued behind that
  // very page, it would hold up its own render.
  if (route === currentWebSessionPath) return true;
  return req.routeOptions.config.admission?.(req) === 'exempt';
}

const refused = new WeakSet<FastifyRequest>();

/** Whether `req` was answered by `refuse` (its log line is not worth writing). */
export const wasRefused = (req: FastifyRequest): boolean => refused.has(req);

const message = 'Eat or Yeet is busy right now and could not take this request. Please try again in a moment.';

/**
 * 503 with Retry-After, in the caller's terms: a Connect error `unavailable` for RPC clients
 * (gRPC and gRPC-Web get it as grpc-status 14 in a trailers-only answer), a short page for
 * browsers, a JSON error for anything else.
 */
export function refuse(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  refused.add(req);
  reply.header('retry-after', String(retryAfterSeconds)).header('cache-control', 'no-store');
  const contentType = String(req.headers['content-type'] ?? '');
  if (req.url.startsWith('/api/') && contentType.startsWith('application/grpc')) {
    // gRPC answers 200 and carries its status in trailers; with no message, headers only.
    return reply
      .code(200)
      .header('content-type', contentType.split(';', 1)[0]!)
      .header('grpc-status', '14')
      .header('grpc-message', encodeURIComponent(message))
      .send();
  }
  if (req.url.startsWith('/api/')) {
    // Connect unary and streaming clients both read a non-200 status with this body as the error.
    return reply.code(503).type('application/json').send({ code: 'unavailable', message });
  }
  if (String(req.headers.accept ?? '').includes('text/html')) {
    return reply.code(503).type('text/html; charset=utf-8').send(busyPage);
  }
  return reply.code(503).type('application/json').send({ error: message });
}

/** Small, with no script, style sheet or image to fetch: the server is busy. */
const busyPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${retryAfterSeconds * 3}"><title>Busy for a moment — Eat or Yeet</title></head>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.6">
<h1>Lots of cooks in the kitchen</h1><p>So many people are reading recipes right now that this page could not be made in time.
Nothing is lost: this page tries again by itself in a few seconds.</p>
<p><a href="">Try again now</a> · <a href="/">Back to the recipes</a></p></body></html>`;
