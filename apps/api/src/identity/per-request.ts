import { AsyncLocalStorage } from 'node:async_hooks';
import type { Caller } from '@yeet/domain';
import { devRolesHeader, devUserHeader, type IdentityResolver } from '../rpc/identity.ts';

/** The callers resolved so far in one request of the host's, by the credentials they came with. */
const resolved = new AsyncLocalStorage<Map<string, Promise<Caller>>>();

/**
 * Runs `work` as one request of the web host's: a page rendered in the API's own process
 * makes several RPCs with the same token (the person, the recipe, its ratings), and each
 * would verify the token's signature and look the person up again.
 */
export function oneRequest<T>(work: () => T): T {
  return resolved.run(new Map(), work);
}

/**
 * `identity`, resolving the same credentials once within `oneRequest` and as before
 * everywhere else. Nothing outlives the request: a role changed or a session ended counts
 * from the next page on, as it would over HTTP.
 */
export function oncePerRequest(identity: IdentityResolver): IdentityResolver {
  return {
    resolve(headers) {
      const memo = resolved.getStore();
      if (!memo) return identity.resolve(headers);
      // Everything an identity resolver reads.
      const key = [
        headers.get('authorization'),
        headers.get('cookie'),
        headers.get(devUserHeader),
        headers.get(devRolesHeader),
      ].join('\n');
      let caller = memo.get(key);
      if (!caller) {
        caller = identity.resolve(headers);
        memo.set(key, caller);
        // A failure is not remembered: the next call tries again.
        caller.catch(() => memo.delete(key));
      }
      return caller;
    },
  };
}
