import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { createAsyncIterable, readAllBytes, type UniversalHandler } from '@connectrpc/connect/protocol';
import { codeToHttpStatus, errorFromJsonBytes, errorToJsonBytes } from '@connectrpc/connect/protocol-connect';
import { findTrailerError, setTrailerStatus } from '@connectrpc/connect/protocol-grpc';
import { BadRequestSchema } from '@yeet/contract';
import { isDomainError, type ErrorCode } from '@yeet/domain';
import type { Classify } from '@yeet/platform';

const codes: Record<ErrorCode, Code> = {
  invalid_argument: Code.InvalidArgument,
  not_found: Code.NotFound,
  permission_denied: Code.PermissionDenied,
  unauthenticated: Code.Unauthenticated,
  failed_precondition: Code.FailedPrecondition,
  already_exists: Code.AlreadyExists,
  resource_exhausted: Code.ResourceExhausted,
  unavailable: Code.Unavailable,
};

/** PostgreSQL data exceptions caused by a value in the request (a safety net behind validation). */
const unstorable = new Set(['22021', '22P05', '22001', '22003', '22P02']);
const isUnstorableValue = (error: unknown) =>
  typeof error === 'object' && error !== null && unstorable.has((error as { code?: string }).code ?? '');

/**
 * Connection-level failures of the database, and statements past DATABASE_QUERY_TIMEOUT_MS
 * (57014 from the server's statement_timeout; "Query read timeout" when it did not answer):
 * the service is unavailable, not broken.
 */
function isUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '53300', '57014'].includes(e.code)) {
    return true;
  }
  return (
    typeof e.message === 'string' &&
    /timeout exceeded when trying to connect|Connection terminated|Query read timeout|not queryable/i.test(e.message)
  );
}

/**
 * The one place where errors become Connect errors. Domain errors keep their message and
 * field violations; anything else is a fault whose details stay in the logs (the original
 * error is the Connect error's cause), and the caller gets the trace id to report.
 */
export function toConnectError(error: unknown, traceId: string): ConnectError {
  if (error instanceof ConnectError) return error;
  if (isDomainError(error)) {
    const details = error.violations.length
      ? [{ desc: BadRequestSchema, value: create(BadRequestSchema, { fieldViolations: [...error.violations] }) }]
      : [];
    return new ConnectError(error.message, codes[error.code], undefined, details, error);
  }
  if (isUnstorableValue(error)) {
    return new ConnectError(
      'The request contains a value that cannot be stored (e.g. a NUL character or a number out of range).',
      Code.InvalidArgument,
      undefined,
      undefined,
      error,
    );
  }
  if (isUnavailable(error)) {
    return new ConnectError(
      'The database is not reachable or did not answer in time right now. Try again in a moment.',
      Code.Unavailable,
      undefined,
      undefined,
      error,
    );
  }
  const reference = /^0*$/.test(traceId) ? '' : ` If it keeps failing, report trace id ${traceId}.`;
  return new ConnectError(`Something went wrong on our side. Try again.${reference}`, Code.Internal, undefined, undefined, error);
}

/** Whether a Connect code means the caller's request was at fault (not logged as an error). */
export const isClientError = (code: Code): boolean =>
  code !== Code.Internal && code !== Code.Unknown && code !== Code.Unavailable && code !== Code.DataLoss;

/** At the edge: counted under the Connect code's name ("NotFound"); server-side codes are faults. */
export const connectOutcome: Classify = (error) => {
  const e = ConnectError.from(error);
  return { label: Code[e.code], fault: !isClientError(e.code), message: e.rawMessage };
};

/**
 * Connect reads and parses a request body before any interceptor runs, and answers the
 * failures itself: a body that is not a message as `internal` ("parse binary: ..."), a body
 * over readMaxBytes with the limit in bytes. Both are the caller's mistake, so the handler's
 * answer is rewritten: `invalid_argument` (a 400, logged at info like any client error) and
 * the limit in words (resource_exhausted with HTTP 413). Connect unary errors travel as a JSON
 * body, gRPC ones in the trailer.
 */
export function withRequestBodyErrors(handler: UniversalHandler, readMaxBytes: number): UniversalHandler {
  const explain = (error: ConnectError): ConnectError | null => {
    if (error.code === Code.Internal && error.rawMessage.startsWith('parse binary: ')) {
      const reason = error.rawMessage.slice('parse binary: '.length);
      const type = handler.method.input.typeName;
      return new ConnectError(
        `The request body is not a ${type} in the protobuf binary format (${reason}).`,
        Code.InvalidArgument,
      );
    }
    if (error.code === Code.ResourceExhausted && error.rawMessage.includes('readMaxBytes')) {
      const size = /message size (\d+)/.exec(error.rawMessage)?.[1];
      const limit = `${readMaxBytes / 1024 / 1024} MiB (${readMaxBytes} bytes)`;
      return new ConnectError(
        `The request body${size ? ` of ${size} bytes` : ''} is over the limit of ${limit}.`,
        Code.ResourceExhausted,
      );
    }
    return null;
  };
  const wrapped = async (req: Parameters<UniversalHandler>[0]) => {
    const res = await handler(req);
    const { body, header, trailer } = res;
    if (!body || !header) return res;
    if (res.status !== 200 && header.get('content-type') === 'application/json' && !header.has('content-encoding')) {
      const bytes = await readAllBytes(body, Number.MAX_SAFE_INTEGER);
      const better = explain(errorFromJsonBytes(bytes, undefined, ConnectError.from('')));
      if (!better) return { ...res, body: createAsyncIterable([bytes]) };
      const json = errorToJsonBytes(better, {});
      header.set('content-length', String(json.byteLength));
      // Connect maps resource_exhausted to 429, which tells a client to wait and send the same
      // again; a body that is too large will never pass, so it is 413 Content Too Large.
      const status = better.code === Code.ResourceExhausted ? 413 : codeToHttpStatus(better.code);
      return { ...res, status, body: createAsyncIterable([json]) };
    }
    if (!trailer) return res;
    return {
      ...res,
      // The gRPC status is written to the trailer once the body has been sent.
      body: (async function* () {
        yield* body;
        const error = findTrailerError(trailer);
        const better = error && explain(error);
        if (better) setTrailerStatus(trailer, better);
      })(),
    };
  };
  return Object.assign(wrapped, {
    protocolNames: handler.protocolNames,
    service: handler.service,
    method: handler.method,
    requestPath: handler.requestPath,
    allowedMethods: handler.allowedMethods,
    supportedContentType: handler.supportedContentType,
  });
}
