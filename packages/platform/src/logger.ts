import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * JSON logs on stdout, one line per event. Every line written inside a traced operation
 * carries its trace and span id, so logs and traces join up.
 */
export function createLogger(options: { level: string; role?: string; destination?: pino.DestinationStream }): Logger {
  const opts: LoggerOptions = {
    level: options.level,
    base: { service: 'eat-or-yeet', ...(options.role ? { role: options.role } : {}) },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.err },
    mixin() {
      const span = trace.getActiveSpan()?.spanContext();
      if (!span || !isSpanContextValid(span)) return {};
      return { trace_id: span.traceId, span_id: span.spanId };
    },
  };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}
