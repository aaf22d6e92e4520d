import type { DescService } from '@bufbuild/protobuf';
import type { Client, ConnectError, Transport } from '@connectrpc/connect';

/*
 * The API's clients, their code fetched on first use rather than with the page. A service's
 * descriptors, the protobuf runtime and Connect are ~45 KB of gzip, and a page rendered on the
 * server hydrates from the data it carries: most visits call nothing at load, and a call
 * waits for its service's chunk once (docs/decisions/0037-api-code-on-first-call.md).
 * Nothing here may import a value from '@yeet/contract' or '@connectrpc/*': only types.
 */

/**
 * A client of one service whose code is imported by its first call. Every method of our
 * services is unary, answering a promise: waiting for the code first changes nothing for
 * the caller. A failed call's field violations are decoded on the way (describeError).
 */
function lazyClient<S extends DescService>(
  load: () => Promise<{ service: S }>,
): ((transport: Transport) => Client<S>) & { preload(): void } {
  // Imported once: a second import() of a loaded module still resolves it again (on the
  // server, two per API call of every render). A failed import is tried again next time.
  let loading: Promise<[{ service: S }, typeof import('./services/connect')]> | undefined;
  const code = () => {
    loading ??= Promise.all([load(), import('./services/connect')]).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
  const client = (transport: Transport) =>
    new Proxy({} as Client<S>, {
      get: (_, method) => {
        if (typeof method !== 'string' || method === 'then') return undefined; // not a thenable
        return async (...args: unknown[]) => {
          const [{ service }, connect] = await code();
          const methods = connect.createClient(service, transport) as unknown as Record<
            string,
            (...a: unknown[]) => Promise<unknown>
          >;
          if (!methods[method]) throw new TypeError(`${service.typeName} has no method ${method}`);
          try {
            return await methods[method](...args);
          } catch (error) {
            if (error instanceof Error) violations.set(error, connect.fieldViolations(error));
            throw error;
          }
        };
      },
    });
  // on a sign the person is about to call (focus on the search box): the code arrives meanwhile
  const preload = () => void code().catch(() => undefined);
  return Object.assign(client, { preload });
}

const violations = new WeakMap<Error, Array<{ field: string; description: string }>>();

/** The field violations the API gave with `error` (decoded when the call failed), by field path. */
export function fieldViolationsOf(error: Error): ReadonlyArray<{ field: string; description: string }> {
  return violations.get(error) ?? [];
}

/**
 * Whether `error` is a ConnectError, tested as the class tests itself (its Symbol.hasInstance)
 * without importing the class, which would bring the protobuf runtime into the first load.
 */
export function isConnectError(error: unknown): error is ConnectError {
  if (!(error instanceof Error) || error.name !== 'ConnectError') return false;
  const e = error as Partial<Record<'code' | 'details' | 'rawMessage', unknown>>;
  return typeof e.code === 'number' && Array.isArray(e.details) && typeof e.rawMessage === 'string';
}

export const recipeClient = lazyClient(() => import('./services/recipe'));
export const userClient = lazyClient(() => import('./services/user'));
export const searchClient = lazyClient(() => import('./services/search'));
export const collectionsClient = lazyClient(() => import('./services/collection'));
export const shoppingClient = lazyClient(() => import('./services/shopping'));
export const mealPlanClient = lazyClient(() => import('./services/meal-plan'));
export const imageClient = lazyClient(() => import('./services/image'));
export const auditClient = lazyClient(() => import('./services/audit'));

/** A transport made on its first call (in the browser: Connect's fetch transport, itself a chunk). */
export function lazyTransport(make: () => Promise<Transport>): Transport {
  let made: Promise<Transport> | undefined;
  const transport = () => {
    made ??= make();
    return made;
  };
  return {
    unary: async (method, signal, timeoutMs, header, input, contextValues) =>
      (await transport()).unary(method, signal, timeoutMs, header, input, contextValues),
    stream: async (method, signal, timeoutMs, header, input, contextValues) =>
      (await transport()).stream(method, signal, timeoutMs, header, input, contextValues),
  };
}
