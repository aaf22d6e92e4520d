import { type Context, context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type pg from 'pg';

const tracer = trace.getTracer('@yeet/db');

/**
 * A span per SQL statement on `client`, in place of @opentelemetry/instrumentation-pg
 * (docs/decisions/0046-sql-spans-of-our-own.md): kind client, named as that instrumentation
 * named them (`pg.query:SELECT <database>`), with the stable semantic conventions' attributes
 * (`db.system.name`, `db.namespace`, `db.query.text`, `db.operation.name`, `server.address`,
 * `server.port`). Only a statement run inside a recorded span gets one, as the child of that
 * span: the job queue's polling and an unsampled request record nothing, and with tracing off
 * (no SDK) a statement costs one look at the active context. A failed statement's span has
 * status error and `error.type` / `db.response.status_code` (the SQLSTATE), not the message,
 * which may quote the values. Cursors and other submittables pass through without a span.
 */
export function traceStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const parent = context.active();
    if (!trace.getSpan(parent)?.isRecording()) return query(...args);
    const first = args[0] as string | { text?: unknown; submit?: unknown; callback?: unknown } | null | undefined;
    const config = typeof first === 'object' && first !== null ? first : undefined;
    const text = typeof first === 'string' ? first : typeof config?.submit === 'function' ? undefined : config?.text;
    if (typeof text !== 'string') return query(...args);
    const span = startStatement(client, text, parent);
    const last = args.at(-1);
    if (typeof last === 'function') {
      args[args.length - 1] = context.bind(parent, settledBy(span, last as Callback));
      return query(...args);
    }
    if (typeof config?.callback === 'function') {
      args[0] = { ...config, callback: context.bind(parent, settledBy(span, config.callback as Callback)) };
      return query(...args);
    }
    let result: unknown;
    try {
      result = query(...args);
    } catch (error) {
      settle(span, error);
      throw error;
    }
    if (result instanceof Promise) {
      result.then(
        () => span.end(),
        (error: unknown) => settle(span, error),
      );
    } else {
      span.end();
    }
    return result;
  };
}

type Callback = (err: unknown, ...rest: unknown[]) => void;

function startStatement(client: pg.PoolClient, text: string, parent: Context): Span {
  const operation = operationName(text);
  const { database, host, port } = client as pg.PoolClient & { database?: string; host: string; port: number };
  return tracer.startSpan(
    database ? `pg.query:${operation} ${database}` : `pg.query:${operation}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': 'postgresql',
        'db.namespace': database,
        'db.query.text': text,
        'db.operation.name': operation,
        'server.address': host,
        'server.port': port,
      },
    },
    parent,
  );
}

/** The statement's first keyword, upper case: SELECT, INSERT, WITH, BEGIN… */
function operationName(text: string): string {
  const trimmed = text.trimStart();
  const end = trimmed.search(/[\s;(]/);
  return (end === -1 ? trimmed : trimmed.slice(0, end)).toUpperCase();
}

function settledBy(span: Span, callback: Callback): Callback {
  return (err, ...rest) => {
    settle(span, err);
    callback(err, ...rest);
  };
}

function settle(span: Span, error: unknown): void {
  if (error) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
    span.setAttribute('error.type', sqlState ?? (typeof code === 'string' ? code : String(name ?? 'Error')));
    if (sqlState) span.setAttribute('db.response.status_code', sqlState);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
