import { createIsomorphicFn } from '@tanstack/react-start';
import { setResponseStatus } from '@tanstack/react-start/server';
import { isUnavailable } from './api';

/** Sets the HTTP status of the server-rendered page; nothing in the browser. */
export const setSsrStatus = createIsomorphicFn()
  .server((code: number) => setResponseStatus(code))
  .client((_code: number) => {});

/**
 * Every route's `onError` (its beforeLoad or loader failed): 503 when the API could not be
 * asked — the "kitchen is closed" page, worth retrying — else TanStack's 500. Missing things
 * do not get here: their queries throw notFound(), a 404.
 */
export function onLoadError(error: unknown): void {
  if (isUnavailable(error)) setSsrStatus(503);
}

/**
 * A route's loads, the first failure thrown only once every load has settled. With
 * Promise.all a page failing on one query would render while another was still under way;
 * that one went to the browser as pending and failed there, logged as an error.
 */
export async function loadAll(...loads: ReadonlyArray<Promise<unknown>>): Promise<void> {
  for (const load of await Promise.allSettled(loads)) if (load.status === 'rejected') throw load.reason;
}
