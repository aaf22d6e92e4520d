import { trace } from '@opentelemetry/api';
import { observe, type Telemetry } from '@yeet/platform';
import { connectOutcome, toConnectError } from './errors.ts';

export interface EdgeCall {
  /** The method as metrics and logs name it: "yeet.v1.RecipeService/GetRecipe", "mcp/search_recipes". */
  name: string;
  system: 'connect_rpc' | 'mcp';
  /** Who called, for the log line of a failure (read after the call, once known). */
  caller: () => string;
}

/**
 * One call arriving at the API from outside, observed as a server operation (a span,
 * yeet_rpc_duration_seconds, a log line when it fails: a client mistake at info, a fault at
 * error). Any error comes out as the Connect error the caller should see.
 */
export function observeEdge<T>(telemetry: Telemetry, call: EdgeCall, run: () => Promise<T>): Promise<T> {
  const operation = { kind: 'server', name: call.name, system: call.system, context: () => ({ caller: call.caller() }) } as const;
  return observe(telemetry, operation, () => run().catch((error: unknown) => Promise.reject(mapError(error))), connectOutcome);
}

/** The Connect error for `error`, referring to the trace it happened in. */
export function mapError(error: unknown) {
  return toConnectError(error, trace.getActiveSpan()?.spanContext().traceId ?? '');
}
