/**
 * Typed errors of the domain. Each carries one of the API's error codes; the RPC edge maps
 * them to Connect codes, so business code never imports a transport library.
 * Messages are shown to people: say what was wrong and how to fix it.
 */
export type ErrorCode =
  | 'invalid_argument'
  | 'not_found'
  | 'permission_denied'
  | 'unauthenticated'
  | 'failed_precondition'
  | 'already_exists'
  | 'resource_exhausted'
  | 'unavailable';

export interface FieldViolation {
  /** Path in JSON (camelCase) spelling, e.g. "ingredientSections[0].ingredients[1].item". */
  field: string;
  description: string;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly violations: readonly FieldViolation[];

  constructor(code: ErrorCode, message: string, violations: readonly FieldViolation[] = []) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.violations = violations;
  }

  /** The same error with every violation's field under `prefix` (e.g. "recipe"). */
  withFieldPrefix(prefix: string): DomainError {
    if (this.violations.length === 0) return this;
    const violations = this.violations.map((v) => ({ ...v, field: joinPath(prefix, v.field) }));
    return new DomainError(this.code, describeViolations(violations), violations);
  }
}

export function joinPath(prefix: string, field: string): string {
  if (!prefix) return field;
  if (!field) return prefix;
  return field.startsWith('[') ? `${prefix}${field}` : `${prefix}.${field}`;
}

export function describeViolations(violations: readonly FieldViolation[]): string {
  return violations.map((v) => (v.field ? `${v.field}: ${v.description}` : v.description)).join('; ');
}

export const invalidArgument = (violations: readonly FieldViolation[]): DomainError =>
  new DomainError('invalid_argument', describeViolations(violations), violations);

export const invalidField = (field: string, description: string): DomainError => invalidArgument([{ field, description }]);

export const notFound = (what: string): DomainError =>
  new DomainError('not_found', `${what} was not found. Check the id or slug.`);

export const permissionDenied = (message: string): DomainError => new DomainError('permission_denied', message);

export const unauthenticated = (message = 'Sign in to do this.'): DomainError => new DomainError('unauthenticated', message);

export const failedPrecondition = (message: string, violations: readonly FieldViolation[] = []): DomainError =>
  new DomainError('failed_precondition', message, violations);

export const alreadyExists = (message: string): DomainError => new DomainError('already_exists', message);

export const resourceExhausted = (message: string): DomainError => new DomainError('resource_exhausted', message);

export const unavailable = (message: string): DomainError => new DomainError('unavailable', message);

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
