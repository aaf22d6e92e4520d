import type { FastifyInstance } from 'fastify';

/**
 * What a failed request tells the caller. A client's mistake (a malformed URL or body, a
 * body too large) keeps Fastify's answer, which names the mistake. A fault of ours says only
 * that: its message may hold an internal address, a path or a driver's words, and those go
 * to the log. Routes with their own handler (the Connect API, MCP, the issuer's pages) keep it.
 */
export function registerErrorBodies(app: FastifyInstance): void {
  app.setErrorHandler((error, req, reply) => {
    const status = statusOf(error);
    // Fastify's own handler answers the client's mistakes, and logs them at info.
    if (status < 500) return reply.send(error);
    req.log.error({ err: error }, 'request failed');
    return reply
      .code(status)
      .type('application/json; charset=utf-8')
      .send({ statusCode: status, error: 'Internal Server Error', message: 'Something went wrong on our side. Try again.' });
  });
}

/** The status an error asks for (Fastify's own errors carry one); anything else is a fault. */
function statusOf(error: unknown): number {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}
