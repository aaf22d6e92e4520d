import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';

const tracer = trace.getTracer('eat-or-yeet');

export interface Telemetry {
  logger: Logger;
  metrics: Metrics;
}

/** An error the caller caused (bad input, not found…): counted, but not logged as a fault. */
export interface ExpectedError {
  code: string;
}

const isExpected = (e: unknown): e is ExpectedError =>
  e instanceof Error && typeof (e as Partial<ExpectedError>).code === 'string' && e.name === 'DomainError';

/** Faults are logged once, where they first surface, not again by every layer above. */
const logged = new WeakSet<object>();

export function outcomeOf(error: unknown): string {
  return isExpected(error) ? error.code : 'internal';
}

/**
 * Wraps every method of `target` (own and inherited) so that each call is timed into
 * `yeet_operation_duration_seconds{layer,operation,outcome}`, runs in a trace span and logs
 * unexpected errors with their context. Business code stays free of all three.
 */
export function instrument<T extends object>(layer: string, component: string, target: T, telemetry: Telemetry): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(obj, prop) {
      // The target itself as receiver: getters and methods see their own private fields.
      const value: unknown = Reflect.get(obj, prop, obj);
      if (typeof value !== 'function' || typeof prop === 'symbol' || prop === 'constructor') return value;
      let fn = wrapped.get(prop);
      if (!fn) {
        fn = wrapMethod(layer, `${component}.${prop}`, value as (...args: unknown[]) => unknown, obj, telemetry);
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}

function wrapMethod(
  layer: string,
  operation: string,
  method: (...args: unknown[]) => unknown,
  self: object,
  { logger, metrics }: Telemetry,
) {
  return function instrumented(...args: unknown[]): unknown {
    return tracer.startActiveSpan(operation, { attributes: { 'code.layer': layer } }, (span) => {
      const stop = metrics.operationDuration.startTimer({ layer, operation });
      const finish = (error?: unknown) => {
        const outcome = error === undefined ? 'ok' : outcomeOf(error);
        stop({ outcome });
        if (error !== undefined && outcome === 'internal') {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR });
          if (typeof error === 'object' && error !== null && !logged.has(error)) {
            logged.add(error);
            logger.error({ err: error, layer, operation }, `${operation} failed`);
          }
        }
        span.end();
      };
      try {
        const result = method.apply(self, args);
        if (result instanceof Promise) {
          return result.then(
            (value) => {
              finish();
              return value;
            },
            (error: unknown) => {
              finish(error);
              throw error;
            },
          );
        }
        finish();
        return result;
      } catch (error) {
        finish(error);
        throw error;
      }
    });
  };
}

/** Marks an error as already logged (for the RPC edge, which logs faults itself). */
export function wasLogged(error: unknown): boolean {
  return typeof error === 'object' && error !== null && logged.has(error);
}

export function markLogged(error: unknown): void {
  if (typeof error === 'object' && error !== null) logged.add(error);
}
