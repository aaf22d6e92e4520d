import { createContextKey, type HandlerContext } from '@connectrpc/connect';
import { anonymous, unauthenticated, type Caller, type SignedInCaller } from '@yeet/domain';

/** The caller, resolved once per call by the identity interceptor and read by handlers. */
export const callerKey = createContextKey<Caller>(anonymous, { description: 'the caller of this RPC' });

export const callerOf = (ctx: HandlerContext): Caller => ctx.values.get(callerKey);

/** For methods whose policy already requires a signed-in caller. */
export function signedInCallerOf(ctx: HandlerContext): SignedInCaller {
  const caller = ctx.values.get(callerKey);
  if (caller.kind !== 'user') throw unauthenticated();
  return caller;
}
