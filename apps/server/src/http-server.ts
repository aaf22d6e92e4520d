import type { Config, Logger, Metrics } from '@yeet/platform';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { DualProtocolServer } from './dual-protocol.ts';
import { probeRoutes } from './probes.ts';

/**
 * The Fastify instance every role mounts its routes on: HTTP/1.1 and h2c on one port, one
 * log line and one yeet_http_request_duration_seconds observation per request, keep-alive
 * connections without a request in flight dropped on close.
 */
export function createHttpServer(config: Pick<Config, 'trustProxy'>, logger: Logger, metrics: Metrics): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One line per request comes from the onResponse hook below instead.
    logController: new LogController({ disableRequestLogging: true }),
    serverFactory: (handler) => new DualProtocolServer(handler as never) as never,
    forceCloseConnections: 'idle',
    trustProxy: config.trustProxy,
  });
  app.addHook('onResponse', async (req, reply) => {
    // The route's pattern ("/r/:slug", "/api/*"), so a URL full of ids is one series.
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ route, method: req.method, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    const level = logLevel(route, reply.statusCode);
    req.log[level]({ method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
  return app;
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
