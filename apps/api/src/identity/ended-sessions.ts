import { currentWebSessionPath, isCrossOrigin, webSessionTtlSeconds, type WebSessionCodec } from '@yeet/platform';
import type { FastifyInstance } from 'fastify';
import type { WebSessionStore } from '../stores/web-session.store.ts';

/** Ended sessions remembered in memory; past that the oldest is forgotten (and looked up again if it comes back). */
const cacheSize = 10_000;

/**
 * Which web sessions were signed out. Asked on every request that carries the session cookie:
 * "ended" is remembered for good (it never changes back); "still open" is looked up each time
 * (one primary-key lookup), so a sign-out on one replica counts on all of them at once.
 */
export class EndedWebSessions {
  readonly #store: WebSessionStore;
  readonly #ended = new Set<string>();

  constructor(store: WebSessionStore) {
    this.#store = store;
  }

  async end(id: string): Promise<void> {
    await this.#store.end(id, new Date(Date.now() + webSessionTtlSeconds * 1000));
    this.#remember(id);
  }

  async isEnded(id: string): Promise<boolean> {
    if (this.#ended.has(id)) return true;
    if (!(await this.#store.isEnded(id))) return false;
    this.#remember(id);
    return true;
  }

  #remember(id: string): void {
    this.#ended.add(id);
    if (this.#ended.size > cacheSize) this.#ended.delete(this.#ended.values().next().value!);
  }
}

/**
 * `/api/web-sessions/current`, for the web role: whether the cookie's session is still open
 * (asked before rendering a page with its token), and ending it at sign-out. The cookie is the
 * proof: only a holder of the session can end it, and ending it is all this can change.
 */
export function registerEndedSessionRoute(
  app: FastifyInstance,
  o: { codec: WebSessionCodec; ended: EndedWebSessions; publicUrl: string },
): void {
  const ownOrigin = [new URL(o.publicUrl).origin];
  app.get(currentWebSessionPath, async (req, reply) => {
    const session = o.codec.read(req.headers.cookie);
    const open = session !== null && !(await o.ended.isEnded(session.id));
    return open ? reply.code(204).send() : reply.code(401).send({ error: 'No open web session.' });
  });
  app.delete(currentWebSessionPath, async (req, reply) => {
    if (isCrossOrigin(req.headers, ownOrigin)) return reply.code(403).send({ error: 'This request came from another site.' });
    const session = o.codec.read(req.headers.cookie);
    if (!session) return reply.code(401).send({ error: 'No web session to end.' });
    await o.ended.end(session.id);
    return reply.code(204).send();
  });
}
