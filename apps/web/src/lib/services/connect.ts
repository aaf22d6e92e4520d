import { ConnectError } from '@connectrpc/connect';
import { BadRequestSchema } from '@yeet/contract';

// Connect and the decoding of error details, loaded with a page's first call (lib/rpc.ts).
export { createClient } from '@connectrpc/connect';

/** The field violations (google.rpc.BadRequest) an error from the API carries. */
export function fieldViolations(error: unknown): Array<{ field: string; description: string }> {
  if (!(error instanceof ConnectError)) return [];
  return error
    .findDetails(BadRequestSchema)
    .flatMap((d) => d.fieldViolations.map(({ field, description }) => ({ field, description })));
}
