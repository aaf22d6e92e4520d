import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type ProxyTracerProvider,
  type Span,
} from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import type http from 'node:http';
import { rpcUrl } from '@yeet/api';
import { requestContext, type Config, type Logger, type Metrics } from '@yeet/platform';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { DualProtocolServer } from './dual-protocol.ts';
import { wasRefused } from './overload.ts';
import { probeRoutes } from './probes.ts';
import { runs } from './roles.ts';

/**
 * The Fastify instance every role mounts its routes on: HTTP/1.1 and h2c on one port, one
 * log line and one yeet_http_request_duration_seconds observation per request, keep-alive
 * connections without a request in flight dropped on close. With tracing on, a span per request.
 */
export function createHttpServer(config: Pick<Config, 'trustProxy' | 'role'>, logger: Logger, metrics: Metrics): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One line per request comes from the onResponse hook below instead.
    logController: new LogController({ disableRequestLogging: true }),
    serverFactory: (handler) => new DualProtocolServer(handler as never) as never,
    forceCloseConnections: 'idle',
    trustProxy: config.trustProxy,
    // gRPC and Connect clients call /<package.Service>/<Method> at the root: served as under /api.
    ...(runs.api(config.role)
      ? { rewriteUrl: (req: http.IncomingMessage) => rpcUrl(req.method ?? '', req.url ?? '/', req.headers['content-type']) }
      : {}),
  });
  // First, so that every hook after it, and the request's line, runs in the request's span.
  if (tracing()) traceRequests(app);
  app.addHook('onResponse', async (req, reply) => {
    // The route's pattern ("/r/:slug", "/api/*"), so a URL full of ids is one series.
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ route, method: req.method, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    // A refusal is counted (yeet_http_refused_total), not logged: thousands a second in a spike.
    const level = wasRefused(req) ? 'debug' : logLevel(route, reply.statusCode);
    req.log[level]({ method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
  return app;
}

/** An OpenTelemetry SDK is registered (tracing.ts started it): without one, spans are no-ops not worth a hook. */
function tracing(): boolean {
  return (trace.getTracerProvider() as ProxyTracerProvider).getDelegateTracer?.('eat-or-yeet') !== undefined;
}

/**
 * A SERVER span per request, "GET /r/:slug", child of the caller's W3C traceparent; the
 * page render and everything below it are its children, and an RPC's own request becomes
 * the RPC's span ("yeet.v1.RecipeService/GetRecipe", with the HTTP attributes). Hooks have no callback to
 * wrap the rest of the request in, so the span's context is entered as each hook hands on
 * (done() runs the next step in it): at onRequest, and again at preValidation, since a
 * body read in between resumes in the socket's context instead. This replaces the
 * instrumentation of node:http, which binds every request and response emitter to a
 * context and cost a third of an RPC's CPU time (see bench/tracing.ts).
 */
function traceRequests(app: FastifyInstance): void {
  const tracer = trace.getTracer('eat-or-yeet');
  const requests = new WeakMap<FastifyRequest, { span: Span; context: Context }>();
  app.addHook('onRequest', (req, reply, done) => {
    const route = req.routeOptions.url;
    // Probes and scrapes every few seconds would bury the requests worth reading.
    if (route !== undefined && probeRoutes.has(route)) return done();
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      route === undefined ? req.method : `${req.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: req.method,
          [ATTR_URL_PATH]: req.url.split('?', 1)[0],
          ...(route === undefined ? {} : { [ATTR_HTTP_ROUTE]: route }),
        },
      },
      parent,
    );
    // Where to find this request's trace from the browser (devtools: Network → Timing). Only a
    // recorded one: an id that leads nowhere would send the operator looking for nothing.
    if (span.isRecording()) {
      const { traceId, spanId } = span.spanContext();
      reply.header('server-timing', `traceparent;desc="00-${traceId}-${spanId}-01"`);
    }
    // An RPC served by this request takes the span over (one span for both, see requestContext).
    const active = requestContext(parent, span, route);
    requests.set(req, { span, context: active });
    context.with(active, done);
  });
  app.addHook('preValidation', (req, _reply, done) => {
    const traced = requests.get(req);
    if (traced) context.with(traced.context, done);
    else done();
  });
  app.addHook('onResponse', (req, reply, done) => {
    const traced = requests.get(req);
    if (!traced) return done();
    traced.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, reply.statusCode);
    if (reply.statusCode >= 500) traced.span.setStatus({ code: SpanStatusCode.ERROR });
    traced.span.end();
    context.with(traced.context, done);
  });
}

/** A failing probe is logged by the probe itself, once, not once a second by every prober. */
function logLevel(route: string, status: number): 'error' | 'info' | 'debug' {
  if (probeRoutes.has(route)) return 'debug';
  return status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
}

/** The server of METRICS_PORT: /metrics alone, apart from the site, no request lines (a scraper calls every few seconds). */
export function createMetricsServer(logger: Logger): FastifyInstance {
  return Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
  });
}
