import { Code, type Interceptor, type Transport } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-web';
import { type QueryClient, queryOptions, useQuery } from '@tanstack/react-query';
import { notFound, useRouteContext } from '@tanstack/react-router';
import { createIsomorphicFn, getGlobalStartContext } from '@tanstack/react-start';
import { RecipeSort, RecipeStatus, type Recipe, type RecipeEvent, type User } from '@yeet/contract';
import { isConnectError, lazyTransport, recipeClient, userClient } from './rpc';

/**
 * The API over Connect. On the server the base URL and the caller's access token come from
 * the host's request context (the API may be another process), or the host hands over a
 * transport to the API in its own process; in the browser it is this origin's /api, and
 * the session cookie identifies the caller.
 */
export const createApiTransport = createIsomorphicFn()
  .server((): Transport => {
    const context = getGlobalStartContext();
    if (context?.transport) return context.transport;
    const apiUrl = context?.apiUrl ?? process.env.API_URL ?? 'http://127.0.0.1:3000';
    const token = context?.accessToken ?? null;
    const locale = context?.locale;
    const authorize: Interceptor = (next) => (req) => {
      if (token) req.header.set('authorization', `Bearer ${token}`);
      // the page's language: the API writes its messages in it (the browser's calls carry the cookie)
      if (locale && locale !== 'en') req.header.set('accept-language', locale);
      return next(req);
    };
    // Binary protobuf between servers: cheaper to write and read than JSON.
    return createConnectTransport({
      baseUrl: `${apiUrl}/api`,
      defaultTimeoutMs: 5_000,
      useBinaryFormat: true,
      // Reads the contract marks free of side effects go as GET: a proxy may retry them on
      // another replica when one dies mid-request (it never replays a POST).
      useHttpGet: true,
      interceptors: [authorize],
      fetch: uncompressedFetch,
    });
  })
  // Connect's fetch transport comes with the page's first call, not with the page (lib/rpc.ts).
  .client(
    (): Transport => lazyTransport(async () => (await import('./browser-transport')).createBrowserTransport([refreshOnce])),
  );

/**
 * fetch asking for an uncompressed answer. A hop inside the platform: compressing costs the
 * API and this server more CPU than it saves on loopback (gzip at one end, gunzip at the
 * other, on every call of every render). Set here, not in an interceptor: Connect drops
 * Accept-Encoding from the requests it turns into GETs, and fetch then asks for gzip itself.
 */
const uncompressedFetch: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  headers.set('accept-encoding', 'identity');
  return fetch(input, { ...init, headers });
};

/** The site's public origin, for absolute links in shared metadata (OpenGraph, JSON-LD). */
export const publicOrigin = createIsomorphicFn()
  .server(() => (getGlobalStartContext()?.publicUrl ?? process.env.PUBLIC_URL ?? 'http://localhost:3000').replace(/\/$/, ''))
  .client(() => window.location.origin);

/** Whether the page was rendered for a signed-in person (known on the server only). */
export const hasSession = createIsomorphicFn()
  .server(() => Boolean(getGlobalStartContext()?.accessToken))
  .client(() => true);

/**
 * Whether this render is the page shared by every signed-in reader (apps/server/src/web.ts):
 * who they are is left to the browser, which asks once the page has loaded (meQuery).
 */
export const viewerInBrowser = createIsomorphicFn()
  .server(() => getGlobalStartContext()?.viewer === 'browser')
  .client(() => false);

/**
 * Access tokens are short-lived: when the API answers "unauthenticated", ask the web
 * server to refresh the session cookie once and repeat the call.
 */
let refreshing: Promise<boolean> | null = null;
const refreshOnce: Interceptor = (next) => async (req) => {
  try {
    return await next(req);
  } catch (error) {
    if (!isConnectError(error) || error.code !== Code.Unauthenticated) throw error;
    refreshing ??= fetch('/auth/refresh', { method: 'POST', credentials: 'same-origin' })
      .then((r) => r.ok)
      .finally(() => setTimeout(() => (refreshing = null), 1_000));
    if (!(await refreshing)) throw error;
    return next(req);
  }
};

/** The API's NotFound as TanStack's notFound(): the router shows the page's not-found component, with a 404. */
async function orNotFound<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (isConnectError(error) && error.code === Code.NotFound) throw notFound();
    throw error;
  }
}

/** A recipe by its slug; one that does not exist (or is not the caller's to see) throws notFound(). */
export const recipeBySlug = (transport: Transport, slug: string) =>
  queryOptions({
    queryKey: ['recipe', slug],
    queryFn: async ({ signal }): Promise<Recipe> => {
      const client = recipeClient(transport);
      const { recipe } = await orNotFound(client.getRecipe({ key: { case: 'slug', value: slug } }, { signal }));
      if (!recipe) throw notFound();
      return recipe;
    },
  });

export const reviewQueue = (transport: Transport) =>
  queryOptions({
    queryKey: ['review-queue'],
    queryFn: ({ signal }) =>
      recipeClient(transport).listRecipes(
        { sort: RecipeSort.OLDEST, pageSize: 100, filter: { status: RecipeStatus.IN_REVIEW } },
        { signal },
      ),
  });

/** A recipe's events, oldest first; throws notFound() like the recipe. */
export const recipeHistory = (transport: Transport, id: string) =>
  queryOptions({
    queryKey: ['recipe-history', id],
    queryFn: async ({ signal }): Promise<RecipeEvent[]> =>
      (await orNotFound(recipeClient(transport).getRecipeHistory({ id }, { signal }))).events,
  });

export const recipeRatings = (transport: Transport, recipeId: string) =>
  queryOptions({
    queryKey: ['recipe-ratings', recipeId],
    queryFn: ({ signal }) => recipeClient(transport).listRatings({ recipeId, pageSize: 20 }, { signal }),
  });

export const myRecipes = (transport: Transport) =>
  queryOptions({
    queryKey: ['my-recipes'],
    queryFn: ({ signal }) => recipeClient(transport).listRecipes({ pageSize: 100, filter: { mine: true } }, { signal }),
  });

/**
 * The signed-in person, or null for visitors. In the browser, one GetViewer call also brings
 * the person's rating of the recipe on the page into its ratings: on a page shared by every
 * reader (viewerInBrowser) that is all of the person the page lacked.
 */
export const meQuery = (transport: Transport) =>
  queryOptions({
    queryKey: ['me'],
    staleTime: 60_000,
    queryFn: async ({ client }): Promise<User | null> => {
      if (!hasSession()) return null;
      try {
        if (typeof window === 'undefined') return (await userClient(transport).getMe({})).user ?? null;
        const recipe = recipeOnPage(client);
        const viewer = await userClient(transport).getViewer({ recipeId: recipe?.id ?? '' });
        if (recipe) {
          client.setQueryData(recipeRatings(transport, recipe.id).queryKey, (ratings) =>
            ratings ? { ...ratings, myRating: viewer.myRating } : ratings,
          );
        }
        return viewer.user ?? null;
      } catch (error) {
        if (isConnectError(error) && error.code === Code.Unauthenticated) return null;
        throw error;
      }
    },
  });

/** The recipe of the recipe page the browser shows, if it shows one (and has it). */
function recipeOnPage(client: QueryClient): Recipe | undefined {
  const slug = /^\/r\/([^/]+)$/.exec(window.location.pathname)?.[1];
  return slug ? client.getQueryData<Recipe>(['recipe', decodeURIComponent(slug)]) : undefined;
}

/**
 * The signed-in person (null: a visitor, or a session the API no longer takes); undefined
 * while the browser is still asking, on a page shared by every reader: the person's parts
 * keep their place until then.
 */
export function useMe(): User | null | undefined {
  const { transport } = useRouteContext({ from: '__root__' });
  // A busy server's refusal (Retry-After: 2) is asked again, the person's parts keeping their place meanwhile.
  const me = useQuery({
    ...meQuery(transport),
    retry: (failures, error) => failures < 3 && isUnavailable(error),
    retryDelay: 2_000,
  });
  return me.isError ? null : me.data;
}

/** Errors that mean "we could not get an answer", shown as a 503 page that keeps navigation. */
export function isUnavailable(error: unknown): boolean {
  if (!isConnectError(error)) return error instanceof TypeError; // fetch failed
  return [Code.Unavailable, Code.Unknown, Code.DeadlineExceeded, Code.Internal, Code.Canceled, Code.Aborted].includes(error.code);
}
