import { isDomainError } from '@yeet/domain';
import { expectedErrors } from '@yeet/platform';

/** Inside the API, a DomainError is the caller's doing (counted under its code); anything else is a fault. */
export const domainOutcome = expectedErrors(isDomainError);
