import { ConnectError } from '@connectrpc/connect';
import { BadRequestSchema } from '@yeet/contract';

/** The API's field violations by field path ("recipe.title" → message), and the overall message. */
export function describeError(error: unknown): { message: string; fields: Record<string, string> } {
  if (!(error instanceof ConnectError)) return { message: 'Something went wrong. Try again.', fields: {} };
  const fields: Record<string, string> = {};
  for (const detail of error.findDetails(BadRequestSchema)) {
    for (const v of detail.fieldViolations) fields[v.field] ??= v.description;
  }
  return { message: error.rawMessage, fields };
}
