import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
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

/** Connection-level failures of the database: the service is unavailable, not broken. */
function isUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '53300'].includes(e.code)) return true;
  return typeof e.message === 'string' && /timeout exceeded when trying to connect|Connection terminated/i.test(e.message);
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
      'The database is not reachable right now. Try again in a moment.',
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
