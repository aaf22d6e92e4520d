import { useRouteContext } from '@tanstack/react-router';
import type { Transport } from '@connectrpc/connect';

/** The API transport of this render (server: with the caller's token; browser: same origin). */
export function useTransport(): Transport {
  return useRouteContext({ from: '__root__' }).transport;
}
