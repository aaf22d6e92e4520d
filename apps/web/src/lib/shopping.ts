import type { Transport } from '@connectrpc/connect';
import { queryOptions } from '@tanstack/react-query';
import type { ShoppingListAisle } from '@yeet/contract';
import { shoppingClient } from './rpc';

export const shoppingListKey = ['shopping-list'] as const;

/**
 * The signed-in person's shopping list, grouped by aisle. Read again every 20 s while the page
 * is open and when it comes back into view, so what another device changed shows up in the shop.
 */
export const shoppingListQuery = (transport: Transport) =>
  queryOptions({
    queryKey: shoppingListKey,
    refetchInterval: 20_000,
    refetchOnWindowFocus: true,
    staleTime: 5_000,
    queryFn: async ({ signal }): Promise<ShoppingListAisle[]> =>
      (await shoppingClient(transport).getShoppingList({}, { signal })).aisles,
  });

export { shoppingClient };
