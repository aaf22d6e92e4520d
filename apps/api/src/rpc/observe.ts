import { Code, type ConnectError } from '@connectrpc/connect';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { markLogged, wasLogged, type Telemetry } from '@yeet/platform';
import { isClientError, toConnectError } from './errors.ts';

const tracer = trace.getTracer('eat-or-yeet');

export interface ObservedCall {
  /** The method as metrics and logs name it: "yeet.v1.RecipeService/GetRecipe", "mcp/search_recipes". */
  name: string;
  system: 'connect_rpc' | 'mcp';
  /** Who called, for the log line of a failure (read after the call, once known). */
  caller: () => string;
}

/**
 * Runs one call of a remote method in a server span, timed into yeet_rpc_duration_seconds
 * and logged when it fails (client mistakes at info, faults at error with the stack). Any
 * error comes out as the Connect error the caller should see.
 */
export function observe<T>(telemetry: Telemetry, call: ObservedCall, run: () => Promise<T>): Promise<T> {
  const { logger, metrics } = telemetry;
  const attributes = { 'rpc.system': call.system, 'rpc.method': call.name };
  return tracer.startActiveSpan(call.name, { kind: SpanKind.SERVER, attributes }, async (span) => {
    const stop = metrics.rpcDuration.startTimer({ method: call.name });
    try {
      const result = await run();
      stop({ code: 'ok' });
      return result;
    } catch (error) {
      const connectError: ConnectError = toConnectError(error, span.spanContext().traceId);
      const code = Code[connectError.code];
      stop({ code });
      const context = { rpc: call.name, code, caller: call.caller() };
      if (isClientError(connectError.code)) {
        logger.info(context, connectError.rawMessage);
      } else {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        if (!wasLogged(error)) logger.error({ ...context, err: error }, `${call.name} failed`);
        markLogged(error);
      }
      throw connectError;
    } finally {
      span.end();
    }
  });
}
