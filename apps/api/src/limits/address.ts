import type { FastifyRequest } from 'fastify';

/**
 * The address a limit counts a caller by. Without TRUST_PROXY it is the TCP peer. With it,
 * Fastify's req.ip is the left-most X-Forwarded-For entry — whatever the client wrote there —
 * so a client could pick a fresh address per request and never be limited. The entry the
 * nearest proxy appended cannot be forged: that is the one counted (req.ips is the peer, then
 * the X-Forwarded-For entries from the right). One proxy in front is assumed (the ingress);
 * behind a CDN as well, that is the CDN's address unless the ingress rewrites the header
 * (docs/operations.md, Rate limits).
 *
 * Over h2c the session reads a stream wrapped around the socket (apps/server/src/dual-protocol.ts),
 * whose own address getters answer undefined; the wrapped stream knows the peer.
 */
export function clientAddress(req: FastifyRequest): string | null {
  const forwarded = req.ips?.[1];
  if (forwarded) return forwarded;
  if (req.ip) return req.ip;
  const h2 = req.raw as { stream?: { session?: { socket?: { stream?: { remoteAddress?: string } } } } };
  return h2.stream?.session?.socket?.stream?.remoteAddress ?? null;
}
