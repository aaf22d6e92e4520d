import { Code, type Transport } from '@connectrpc/connect';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { notFound } from '@tanstack/react-router';
import type { Collection, CollectionEntry, SavedRecipe } from '@yeet/contract';
import { meQuery, publicOrigin } from './api';
import { useTransport } from './transport';
import { collectionsClient, isConnectError } from './rpc';

export { collectionsClient };

/** Every query about the signed-in person's collections starts with this key: one invalidation refreshes them all. */
export const collectionsKey = ['collections'] as const;

export const myCollections = (transport: Transport) =>
  queryOptions({
    queryKey: [...collectionsKey, 'list'],
    queryFn: async ({ signal }): Promise<Collection[]> =>
      (await collectionsClient(transport).listCollections({}, { signal })).collections,
  });

/** One of the caller's collections with its entries; someone else's or an unknown one throws notFound(). */
export const collectionById = (transport: Transport, id: string) =>
  queryOptions({
    queryKey: [...collectionsKey, 'one', id],
    queryFn: async ({ signal }): Promise<{ collection: Collection; entries: CollectionEntry[] }> => {
      const res = await orNotFound(collectionsClient(transport).getCollection({ id }, { signal }));
      if (!res.collection) throw notFound();
      return { collection: res.collection, entries: res.entries };
    },
  });

/** What anyone holding the link sees; a revoked or unknown token throws notFound() (a 404 page). */
export const sharedCollection = (transport: Transport, token: string) =>
  queryOptions({
    queryKey: ['shared-collection', token],
    queryFn: async ({ signal }) => {
      const res = await orNotFound(collectionsClient(transport).getSharedCollection({ token }, { signal }));
      return { name: res.name, entries: res.entries };
    },
  });

export const savedRecipes = (transport: Transport) =>
  queryOptions({
    queryKey: [...collectionsKey, 'saved'],
    staleTime: 30_000,
    queryFn: async ({ signal }): Promise<SavedRecipe[]> =>
      (await collectionsClient(transport).listSavedRecipes({}, { signal })).recipes,
  });

/**
 * The signed-in person's saved recipes, by slug; empty for visitors, whose pages (kept by the
 * page cache, docs/decisions/0007) must not change, and until the browser has asked.
 */
export function useSavedSlugs(): ReadonlySet<string> {
  const transport = useTransport();
  const me = useQuery({ ...meQuery(transport), retry: false }).data;
  const saved = useQuery({ ...savedRecipes(transport), enabled: Boolean(me) }).data;
  return new Set(me && saved ? saved.map((r) => r.slug) : []);
}

export const shareUrl = (token: string) => `${publicOrigin()}/c/${token}`;

async function orNotFound<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (isConnectError(error) && error.code === Code.NotFound) throw notFound();
    throw error;
  }
}
