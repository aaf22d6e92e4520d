import { Code, ConnectError, type Transport } from '@connectrpc/connect';
import { addStaticKeyToTransport, createQueryOptions } from '@connectrpc/connect-query';
import { createConnectTransport } from '@connectrpc/connect-web';
import { createIsomorphicFn, getGlobalStartContext } from '@tanstack/react-start';
import { RecipeService, RecipeSort, RecipeStatus } from '@yeet/contract';

/**
 * The API over Connect. On the server the base URL comes from the host's request context
 * (the API may be another process); in the browser it is this origin's /api.
 */
export const createApiTransport = createIsomorphicFn()
  .server((): Transport => {
    const apiUrl = getGlobalStartContext()?.apiUrl ?? process.env.API_URL ?? 'http://127.0.0.1:3000';
    return keyed(createConnectTransport({ baseUrl: `${apiUrl}/api`, defaultTimeoutMs: 5_000 }));
  })
  .client((): Transport => keyed(createConnectTransport({ baseUrl: '/api' })));

// Same cache key on both sides, so data rendered on the server is reused after hydration.
const keyed = (t: Transport) => addStaticKeyToTransport(t, 'yeet-api');

export const recipeBySlug = (transport: Transport, slug: string) =>
  createQueryOptions(RecipeService.method.getRecipe, { key: { case: 'slug', value: slug } }, { transport });

export const publishedRecipes = (transport: Transport, sort: RecipeSort, pageSize: number) =>
  createQueryOptions(
    RecipeService.method.listRecipes,
    { sort, pageSize, filter: { status: RecipeStatus.PUBLISHED } },
    { transport },
  );

/** The API said the thing does not exist (as opposed to: the API could not be asked). */
export const isNotFound = (error: unknown) => error instanceof ConnectError && error.code === Code.NotFound;

/** Errors that mean "we could not get an answer", shown as a 503 page that keeps navigation. */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof ConnectError)) return error instanceof TypeError; // fetch failed
  return [Code.Unavailable, Code.Unknown, Code.DeadlineExceeded, Code.Internal, Code.Canceled, Code.Aborted].includes(error.code);
}

export { RecipeSort };
