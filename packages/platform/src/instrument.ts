import {
  context,
  createContextKey,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanOptions,
} from '@opentelemetry/api';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';

const tracer = trace.getTracer('eat-or-yeet');

export interface Telemetry {
  logger: Logger;
  metrics: Metrics;
}

/**
 * One observed unit of work. The kind picks the span kind and the histogram:
 * - server: a request from outside (an RPC, an MCP call) → yeet_rpc_duration_seconds{method,code};
 * - internal: a controller, store or engine method → yeet_operation_duration_seconds{layer,operation,outcome};
 * - consumer: a background job → yeet_job_duration_seconds{task,outcome}.
 */
export type Operation =
  | { kind: 'server'; name: string; system: string; attributes?: Attributes; context?: () => Record<string, unknown> }
  | { kind: 'internal'; name: string; layer: string; attributes?: Attributes }
  | { kind: 'consumer'; name: string; system: string; attributes?: Attributes; context?: () => Record<string, unknown> };

/** What a failure counts as: its metric label, and whether it is a fault of ours or the caller's mistake. */
export interface Outcome {
  label: string;
  /** Faults are logged at error with their stack and fail the span; mistakes are only counted (and noted at the edge). */
  fault: boolean;
  /** The line to log for a caller's mistake; the error's message when absent. */
  message?: string;
}

export type Classify = (error: unknown) => Outcome;

/** Errors that `isExpected` recognises are the caller's doing, counted under their code; anything else is an internal fault. */
export const expectedErrors =
  (isExpected: (error: unknown) => error is { code: string }): Classify =>
  (error) =>
    isExpected(error) ? { label: error.code, fault: false } : { label: 'internal', fault: true };

/**
 * Runs `run` in a span, times it into the histogram of the operation's kind, labelled "ok"
 * or with the failure's outcome, and logs a fault once — where it first surfaced, not again
 * in each observed layer above, even when one of them rethrows it as the `cause` of another
 * error. At the edge (kind server) a caller's mistake is logged at info. The error is
 * rethrown as it came. Synchronous results stay synchronous.
 */
export function observe<T>(telemetry: Telemetry, operation: Operation, run: () => T, classify: Classify): T {
  return observeIn(telemetry, operation, spanOptions(operation), run, classify);
}

/** `observe` with the operation's span options made beforehand (instrument() makes them once per method, not per call). */
function observeIn<T>(telemetry: Telemetry, operation: Operation, options: SpanOptions, run: () => T, classify: Classify): T {
  // An RPC that is the whole of its HTTP request records into the request's span rather than a child of it.
  const request = operation.kind === 'server' ? takeOverRequestSpan(operation.name) : undefined;
  if (request) {
    request.updateName(operation.name);
    if (options.attributes) request.setAttributes(options.attributes);
    return observed(telemetry, operation, request, false, run, classify);
  }
  const parent = context.active();
  // In a trace the sampler left out (a request's span in this process, not sampled), a child
  // would record nothing either: it runs in that span, without the SDK's work of a span per
  // call (ids, attributes, the sampler) on the requests a sampling ratio drops. A remote
  // parent never records here, sampled or not: the sampler decides for those. A kept span
  // that has ended (work going on after its response) still gets children.
  const current = trace.getSpan(parent);
  if (current !== undefined && droppedHere(current)) return observed(telemetry, operation, current, false, run, classify);
  // startActiveSpan without its callback: no closure per call, the arguments passed through context.with.
  const span = tracer.startSpan(operation.name, options, parent);
  return context.with(trace.setSpan(parent, span), observed<T>, undefined, telemetry, operation, span, true, run, classify);
}

/** A span of this process that the sampler did not keep. */
function droppedHere(span: Span): boolean {
  const { traceFlags, isRemote } = span.spanContext();
  return !isRemote && (traceFlags & TraceFlags.SAMPLED) === 0 && !span.isRecording();
}

function spanOptions(operation: Operation): SpanOptions {
  const kind =
    operation.kind === 'server' ? SpanKind.SERVER : operation.kind === 'consumer' ? SpanKind.CONSUMER : SpanKind.INTERNAL;
  const attributes = spanAttributes(operation);
  return { kind, attributes: operation.attributes ? { ...attributes, ...operation.attributes } : attributes };
}

/** Runs `run` as `observe` describes, in `span` (already active), which it ends when `end` (else its owner does). */
function observed<T>(telemetry: Telemetry, operation: Operation, span: Span, end: boolean, run: () => T, classify: Classify): T {
  const { kind, name } = operation;
  const stop = timer(telemetry.metrics, operation);
  const finish = (error?: unknown) => {
    if (error === undefined) {
      stop('ok');
    } else {
      const outcome = classify(error);
      stop(outcome.label);
      const fields = logFields(operation, outcome.label);
      if (outcome.fault) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        if (!wasLogged(error)) telemetry.logger.error({ ...fields, err: error }, `${name} failed`);
        if (typeof error === 'object' && error !== null) logged.add(error);
      } else if (kind === 'server') {
        telemetry.logger.info(fields, outcome.message ?? (error instanceof Error ? error.message : String(error)));
      }
    }
    if (end) span.end();
  };
  try {
    const result = run();
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => {
          finish();
          return value;
        },
        (error: unknown) => {
          finish(error);
          throw error;
        },
      ) as T;
    }
    finish();
    return result;
  } catch (error) {
    finish(error);
    throw error;
  }
}

/** The span of the HTTP request being served (see requestContext), and whether an operation has taken it over. */
interface RequestSpan {
  span: Span;
  route: string | undefined;
  taken: boolean;
}

const requestSpanKey = createContextKey('eat-or-yeet request span');

/**
 * `parent` with `span` active as the span of an incoming HTTP request to `route` (the
 * router's pattern). The server operation that is that very request (route
 * "/api/yeet.v1.RecipeService/GetRecipe" for the RPC "yeet.v1.RecipeService/GetRecipe")
 * takes the span over, renamed and with its attributes added, instead of starting a child:
 * one SERVER span per call carries both the HTTP and the RPC attributes, a span less per
 * call to record and export (docs/decisions/0021-trace-shape.md). The request's owner ends
 * the span. Anything else in the request (a page's in-process API calls, an MCP tool on
 * /mcp) starts spans of its own as before.
 */
export function requestContext(parent: Context, span: Span, route: string | undefined): Context {
  const request: RequestSpan = { span, route, taken: false };
  return trace.setSpan(parent, span).setValue(requestSpanKey, request);
}

function takeOverRequestSpan(name: string): Span | undefined {
  const active = context.active();
  const request = active.getValue(requestSpanKey) as RequestSpan | undefined;
  if (!request || request.taken || !request.route?.endsWith(`/${name}`)) return undefined;
  // Only straight from the request: under a span of ours the call is a step of something else.
  if (trace.getSpan(active) !== request.span) return undefined;
  request.taken = true;
  return request.span;
}

function spanAttributes(operation: Operation): Attributes {
  switch (operation.kind) {
    case 'server':
      return { 'rpc.system': operation.system, 'rpc.method': operation.name };
    case 'internal':
      return { 'code.layer': operation.layer };
    case 'consumer':
      return { 'messaging.system': operation.system, 'messaging.operation.name': operation.name };
  }
}

function timer(metrics: Metrics, operation: Operation): (label: string) => void {
  switch (operation.kind) {
    case 'server': {
      const stop = metrics.rpcDuration.startTimer({ method: operation.name });
      return (code) => stop({ code });
    }
    case 'internal': {
      const stop = metrics.operationDuration.startTimer({ layer: operation.layer, operation: operation.name });
      return (outcome) => stop({ outcome });
    }
    case 'consumer': {
      const stop = metrics.jobDuration.startTimer({ task: operation.name });
      return (outcome) => stop({ outcome });
    }
  }
}

function logFields(operation: Operation, label: string): Record<string, unknown> {
  switch (operation.kind) {
    case 'server':
      return { rpc: operation.name, code: label, ...operation.context?.() };
    case 'internal':
      return { layer: operation.layer, operation: operation.name };
    case 'consumer':
      return { task: operation.name, outcome: label, ...operation.context?.() };
  }
}

/** Faults already logged; private to this module, the one place that logs them. */
const logged = new WeakSet<object>();

function wasLogged(error: unknown): boolean {
  for (
    let e = error, depth = 0;
    typeof e === 'object' && e !== null && depth < 8;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    if (logged.has(e)) return true;
  }
  return false;
}

/**
 * Wraps every method of `target` (own and inherited) so that each call is observed as an
 * internal operation "<component>.<method>" of `layer`. Business code stays free of spans,
 * timers and fault logging.
 */
export function instrument<T extends object>(
  layer: string,
  component: string,
  target: T,
  telemetry: Telemetry,
  classify: Classify,
): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(obj, prop) {
      // The target itself as receiver: getters and methods see their own private fields.
      const value: unknown = Reflect.get(obj, prop, obj);
      if (typeof value !== 'function' || typeof prop === 'symbol' || prop === 'constructor') return value;
      let fn = wrapped.get(prop);
      if (!fn) {
        const method = value as (...args: unknown[]) => unknown;
        const operation: Operation = { kind: 'internal', name: `${component}.${prop}`, layer };
        const options = spanOptions(operation);
        fn = (...args: unknown[]) => observeIn(telemetry, operation, options, () => method.apply(obj, args), classify);
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}
