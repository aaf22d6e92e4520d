import { Code, ConnectError, createClient, type Interceptor, type Transport } from '@connectrpc/connect';
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { addStaticKeyToTransport, createQueryOptions, type QueryOptions } from '@connectrpc/connect-query';
import { createConnectTransport } from '@connectrpc/connect-web';
import { queryOptions } from '@tanstack/react-query';
import { notFound } from '@tanstack/react-router';
import { createIsomorphicFn, getGlobalStartContext } from '@tanstack/react-start';
import { RecipeService, RecipeSort, RecipeStatus, UserService, type User } from '@yeet/contract';

/**
 * The API over Connect. On the server the base URL and the caller's access token come from
 * the host's request context (the API may be another process); in the browser it is this
 * origin's /api, and the session cookie identifies the caller.
 */
export const createApiTransport = createIsomorphicFn()
  .server((): Transport => {
    const context = getGlobalStartContext();
    const apiUrl = context?.apiUrl ?? process.env.API_URL ?? 'http://127.0.0.1:3000';
    const token = context?.accessToken ?? null;
    const authorize: Interceptor = (next) => (req) => {
      if (token) req.header.set('authorization', `Bearer ${token}`);
      // a hop inside the platform: compressing costs more CPU than it saves
      req.header.set('accept-encoding', 'identity');
      return next(req);
    };
    // Binary protobuf between servers: cheaper to write and read than JSON.
    return keyed(
      createConnectTransport({ baseUrl: `${apiUrl}/api`, defaultTimeoutMs: 5_000, useBinaryFormat: true, interceptors: [authorize] }),
    );
  })
  .client((): Transport => keyed(createConnectTransport({ baseUrl: '/api', interceptors: [refreshOnce] })));

/** The site's public origin, for absolute links in shared metadata (OpenGraph, JSON-LD). */
export const publicOrigin = createIsomorphicFn()
  .server(() => (getGlobalStartContext()?.publicUrl ?? process.env.PUBLIC_URL ?? 'http://localhost:3000').replace(/\/$/, ''))
  .client(() => window.location.origin);

/** Whether the page was rendered for a signed-in person (known on the server only). */
export const hasSession = createIsomorphicFn()
  .server(() => Boolean(getGlobalStartContext()?.accessToken))
  .client(() => true);

// Same cache key on both sides, so data rendered on the server is reused after hydration.
const keyed = (t: Transport) => addStaticKeyToTransport(t, 'yeet-api');

/**
 * Access tokens are short-lived: when the API answers "unauthenticated", ask the web
 * server to refresh the session cookie once and repeat the call.
 */
let refreshing: Promise<boolean> | null = null;
const refreshOnce: Interceptor = (next) => async (req) => {
  try {
    return await next(req);
  } catch (error) {
    if (!(error instanceof ConnectError) || error.code !== Code.Unauthenticated) throw error;
    refreshing ??= fetch('/auth/refresh', { method: 'POST', credentials: 'same-origin' })
      .then((r) => r.ok)
      .finally(() => setTimeout(() => (refreshing = null), 1_000));
    if (!(await refreshing)) throw error;
    return next(req);
  }
};

/**
 * A query whose function throws TanStack's notFound() when the API answers NotFound (or the
 * answer holds nothing): the router shows the page's "not found" component, with a 404.
 */
function orNotFound<O extends DescMessage>(options: QueryOptions<O>, found: (answer: MessageShape<O>) => boolean = () => true): QueryOptions<O> {
  return {
    ...options,
    queryFn: async (context) => {
      let answer: MessageShape<O>;
      try {
        answer = await options.queryFn(context);
      } catch (error) {
        if (error instanceof ConnectError && error.code === Code.NotFound) throw notFound();
        throw error;
      }
      if (!found(answer)) throw notFound();
      return answer;
    },
  };
}

export const recipeBySlug = (transport: Transport, slug: string) =>
  orNotFound(
    createQueryOptions(RecipeService.method.getRecipe, { key: { case: 'slug', value: slug } }, { transport }),
    (answer) => answer.recipe !== undefined,
  );

export const publishedRecipes = (transport: Transport, sort: RecipeSort, pageSize: number) =>
  createQueryOptions(
    RecipeService.method.listRecipes,
    { sort, pageSize, filter: { status: RecipeStatus.PUBLISHED } },
    { transport },
  );

export const quickRecipes = (transport: Transport, pageSize: number) =>
  createQueryOptions(
    RecipeService.method.listRecipes,
    { sort: RecipeSort.QUICKEST, pageSize, filter: { status: RecipeStatus.PUBLISHED, maxTotalMinutes: 30 } },
    { transport },
  );

export const reviewQueue = (transport: Transport) =>
  createQueryOptions(
    RecipeService.method.listRecipes,
    { sort: RecipeSort.OLDEST, pageSize: 100, filter: { status: RecipeStatus.IN_REVIEW } },
    { transport },
  );

export const recipeHistory = (transport: Transport, id: string) =>
  orNotFound(createQueryOptions(RecipeService.method.getRecipeHistory, { id }, { transport }));

export const recipeRatings = (transport: Transport, recipeId: string) =>
  createQueryOptions(RecipeService.method.listRatings, { recipeId, pageSize: 20 }, { transport });

export const myRecipes = (transport: Transport) =>
  createQueryOptions(RecipeService.method.listRecipes, { pageSize: 100, filter: { mine: true } }, { transport });

/** The signed-in person, or null for visitors. */
export const meQuery = (transport: Transport) =>
  queryOptions({
    queryKey: ['me'],
    staleTime: 60_000,
    queryFn: async (): Promise<User | null> => {
      if (!hasSession()) return null;
      try {
        return (await createClient(UserService, transport).getMe({})).user ?? null;
      } catch (error) {
        if (error instanceof ConnectError && error.code === Code.Unauthenticated) return null;
        throw error;
      }
    },
  });

/** Errors that mean "we could not get an answer", shown as a 503 page that keeps navigation. */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof ConnectError)) return error instanceof TypeError; // fetch failed
  return [Code.Unavailable, Code.Unknown, Code.DeadlineExceeded, Code.Internal, Code.Canceled, Code.Aborted].includes(error.code);
}

export { RecipeSort };
