import { endedWebSessionPath, isCrossOrigin, webSessionTtlSeconds, type WebSessionCodec } from '@yeet/platform';
import type { FastifyInstance } from 'fastify';
import type { WebSessionStore } from '../stores/web-session.store.ts';

/** How long "not ended" is believed without asking again: another replica may have ended it since. */
const openForMs = 3_000;
/** Entries kept per answer; past that the oldest is forgotten (and asked again when it comes back). */
const cacheSize = 10_000;

/**
 * Which web sessions were signed out. Asked on every request that carries the session cookie,
 * so answers are cached: "ended" for good (it never changes back), "still open" for a few
 * seconds — at most that long may a copy of a cookie outlive its sign-out on another replica.
 */
export class EndedWebSessions {
  readonly #store: WebSessionStore;
  readonly #ended = new Map<string, true>();
  readonly #open = new Map<string, number>();

  constructor(store: WebSessionStore) {
    this.#store = store;
  }

  async end(id: string): Promise<void> {
    await this.#store.end(id, new Date(Date.now() + webSessionTtlSeconds * 1000));
    remember(this.#ended, id, true);
    this.#open.delete(id);
  }

  async isEnded(id: string): Promise<boolean> {
    if (this.#ended.has(id)) return true;
    const checkedAt = this.#open.get(id);
    if (checkedAt !== undefined && Date.now() - checkedAt < openForMs) return false;
    if (await this.#store.isEnded(id)) {
      remember(this.#ended, id, true);
      this.#open.delete(id);
      return true;
    }
    remember(this.#open, id, Date.now());
    return false;
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > cacheSize) map.delete(map.keys().next().value!);
}

/**
 * `POST /api/web-sessions/end`, called by the web role when someone signs out. The cookie is
 * the proof: only a holder of the session can end it, and ending it is all this can do.
 */
export function registerEndedSessionRoute(
  app: FastifyInstance,
  o: { codec: WebSessionCodec; ended: EndedWebSessions; publicUrl: string },
): void {
  const ownOrigin = [new URL(o.publicUrl).origin];
  app.post(endedWebSessionPath, async (req, reply) => {
    if (isCrossOrigin(req.headers, ownOrigin)) return reply.code(403).send({ error: 'This request came from another site.' });
    const session = o.codec.read(req.headers.cookie);
    if (!session) return reply.code(401).send({ error: 'No web session to end.' });
    await o.ended.end(session.id);
    return reply.code(204).send();
  });
}
