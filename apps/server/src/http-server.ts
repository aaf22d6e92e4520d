import type { Config, Logger } from '@yeet/platform';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { DualProtocolServer } from './dual-protocol.ts';

/**
 * The Fastify instance every role mounts its routes on: HTTP/1.1 and h2c on one port, one
 * log line per request, keep-alive connections without a request in flight dropped on close.
 */
export function createHttpServer(config: Pick<Config, 'trustProxy'>, logger: Logger): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One line per request comes from the onResponse hook below instead.
    logController: new LogController({ disableRequestLogging: true }),
    serverFactory: (handler) => new DualProtocolServer(handler as never) as never,
    forceCloseConnections: 'idle',
    trustProxy: config.trustProxy,
  });
  app.addHook('onResponse', async (req, reply) => {
    const level = reply.statusCode >= 500 ? 'error' : reply.statusCode >= 400 ? 'info' : 'debug';
    req.log[level]({ method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
  return app;
}
