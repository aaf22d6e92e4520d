import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Transport } from '@connectrpc/connect';
import fastifyStatic from '@fastify/static';
import { oneRequest } from '@yeet/api';
import { pickLocale } from '@yeet/domain/locale';
import { sessionCookieName, type RecentCache } from '@yeet/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { compress, compressible, type Encoding, negotiate } from './compression.ts';
import { type Admission, OverloadedError, refuse } from './overload.ts';
import { redirectToPublicUrl } from './security-headers.ts';
import { callerTransport } from './web-transport.ts';
import type { WebSessions } from './web-session.ts';

/** The built web app (npm run build): a fetch handler and its client assets. */
const webDist = fileURLToPath(new URL('../../web/dist/', import.meta.url));

interface StartHandler {
  fetch(request: Request, options?: { context?: Record<string, unknown> }): Promise<Response>;
}

/** A rendered page as kept in the page cache. */
export interface CachedPage {
  status: number;
  /** The nonce its scripts were rendered with: the page and its policy header travel together. */
  nonce: string;
  headers: Array<[string, string]>;
  body: Buffer;
  /** The body compressed, made once for the page's life in the cache (null: not worth it). */
  encoded?: Partial<Record<Encoding, Promise<Buffer | null>>>;
}

export type PageCache = RecentCache<CachedPage>;

export class WebBuildMissingError extends Error {
  constructor() {
    super(`The web app is not built (${webDist} is missing). Run "npm run build", or use "npm start", which builds it first.`);
    this.name = 'WebBuildMissingError';
  }
}

/**
 * Serves the TanStack Start app: hashed client assets from disk with a year-long cache,
 * every other request rendered by the app's fetch handler. `apiUrl` is where server-side
 * rendering reaches the API; `publicUrl` makes the absolute links of shared pages.
 *
 * Pages for visitors who are not signed in are the same for all of them: with `pageCache`,
 * a GET without a session cookie is answered from a page rendered moments ago (rendered
 * once however many ask at the same time). So are the public pages of signed-in people
 * whose browser runs the app's scripts (the `yeet_js=1` cookie they set): they get a page
 * rendered for no one in particular, whose person's parts the browser asks for once it has
 * loaded (UserService.GetViewer; docs/decisions/0033). Any other request of a signed-in
 * person gets a fresh render, which no cache may keep.
 *
 * Every page carries a Content-Security-Policy (`policy`) with a nonce of its own, which the
 * app renders into its script tags (see apps/web/src/router.tsx). A cached page keeps the
 * nonce it was rendered with: the nonce guards against markup injected into the page, and
 * the markup of a cached page was fixed before anyone could see its nonce.
 *
 * With `apiTransport` (the API runs in this process, `--role all`) rendering calls the API's
 * services in memory instead of over HTTP: the same interceptors, no socket, no HTTP parsing.
 *
 * Rendering takes a slot of `admission` (overload.ts): personal pages before the handler
 * runs, shared ones only when there is no fresh cached page, so a cached page is served
 * whatever the load.
 */
export async function registerWeb(
  app: FastifyInstance,
  options: {
    apiUrl: string;
    publicUrl: string;
    sessions: WebSessions;
    pageCache?: PageCache;
    /** The API's services in this process; absent, the API is reached at `apiUrl`. */
    apiTransport?: Transport;
    admission?: Admission;
    /** The Content-Security-Policy of a page rendered with this nonce. */
    policy: (nonce: string) => string;
  },
): Promise<void> {
  const serverEntry = `${webDist}server/server.js`;
  if (!existsSync(serverEntry)) throw new WebBuildMissingError();
  const start = ((await import(pathToFileURL(serverEntry).href)) as { default: StartHandler }).default;
  // On the whole server, so that /auth/login is sent to PUBLIC_URL too.
  redirectToPublicUrl(app, options.publicUrl);

  await app.register(fastifyStatic, {
    root: `${webDist}client`,
    wildcard: false,
    // The .br and .gz variants scripts/build-web.ts wrote beside each text file.
    preCompressed: true,
    setHeaders: (reply, path) => {
      if (path.includes('/assets/')) reply.header('cache-control', 'public, max-age=31536000, immutable');
      // The service worker (apps/web/public/sw.js) fetches this site's pages and build files:
      // its own policy (the default lets nothing load), and checked afresh on every visit.
      if (/\/sw\.js(\.br|\.gz)?$/.test(path)) {
        reply.header('content-security-policy', "default-src 'self'; object-src 'none'; base-uri 'none'");
        reply.header('cache-control', 'no-cache');
      }
    },
  });
  // A stale hashed asset (after a deploy) is a plain 404, not an HTML page.
  app.get('/assets/*', (_req, reply) => reply.code(404).send());

  const publicOrigin = new URL(options.publicUrl).origin;
  await app.register(async (scope) => {
    // Bodies (server-function calls) go to the app untouched.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null));

    /** `viewer: 'browser'`: a page for any signed-in reader, their parts left to the browser. */
    const context = (req: FastifyRequest, accessToken: string | null, nonce: string, viewer?: 'browser') => ({
      context: {
        locale: localeOf(req),
        apiUrl: options.apiUrl,
        publicUrl: options.publicUrl,
        accessToken,
        nonce,
        viewer,
        transport: options.apiTransport ? callerTransport(options.apiTransport, accessToken, localeOf(req)) : undefined,
      },
    });
    const admitted = <T>(work: () => Promise<T>) => (options.admission ? options.admission.run(work) : work());
    // Shared pages take their slot only to render (below); everything else before the handler.
    // Read from the header: admission is decided in onRequest, before the cookie plugin has parsed it.
    const sessionCookie = new RegExp(`(?:^|;)\\s*${sessionCookieName}=`);
    const anonymousGet = (req: FastifyRequest) => req.method === 'GET' && !sessionCookie.test(req.headers.cookie ?? '');
    /**
     * A signed-in reader's GET of a public page, from a browser that runs the app's scripts:
     * answered with the page as rendered for no one, the person's parts loaded by the browser.
     * Without the cookie (no JavaScript, or not yet) the page is rendered for the person.
     */
    const sharedSignedInGet = (req: FastifyRequest) =>
      req.method === 'GET' && scriptsCookie.test(req.headers.cookie ?? '') && publicPage.test(req.url);
    /** The page cache's key: the language first (an English reader never gets a German page), then the URL. */
    const shared = (req: FastifyRequest): string | null => {
      if (!options.pageCache) return null;
      if (anonymousGet(req)) return `${localeOf(req)} ${req.url}`;
      // Its own entry: the visitor's page says "Sign in" where this one keeps the person's place.
      return sharedSignedInGet(req) ? `signed-in ${localeOf(req)} ${req.url}` : null;
    };
    const toRequest = (req: FastifyRequest, signal?: AbortSignal) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined || name.startsWith(':')) continue;
        for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
      }
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      // On PUBLIC_URL's origin, whatever Host said; appended, not resolved, so a path like
      // //evil.test stays a path (resolved, it would be another host, and // no URL at all).
      return new Request(`${publicOrigin}${req.url}`, {
        method: req.method,
        headers,
        body: hasBody ? (Readable.toWeb(req.raw) as ReadableStream) : null,
        signal,
        ...(hasBody ? { duplex: 'half' } : {}),
      } as RequestInit);
    };

    const config = {
      admission: (req: FastifyRequest) => (shared(req) !== null ? 'exempt' : 'limited'),
    } as const;
    scope.all('/*', { config }, async (req, reply) => {
      const cache = options.pageCache;
      const key = shared(req);
      const signedIn = key !== null && !anonymousGet(req);
      let page: CachedPage | null = null;
      let hit = false;
      if (cache && key !== null) {
        // Not tied to this client's connection: others may be waiting for the same render.
        try {
          ({ value: page, hit } = await cache.get(
            key,
            () =>
              admitted(async () => {
                const nonce = newNonce();
                const response = await oneRequest(() =>
                  start.fetch(toRequest(req), context(req, null, nonce, signedIn ? 'browser' : undefined)),
                );
                return {
                  status: response.status,
                  nonce,
                  headers: [...response.headers],
                  body: Buffer.from(await response.arrayBuffer()),
                };
              }),
            keepable,
          ));
        } catch (error) {
          if (error instanceof OverloadedError) return refuse(req, reply);
          throw error;
        }
        // What a visitor does not see (a draft, an error, a redirect) its author may: not a
        // shared page, so rendered for the person below.
        if (signedIn && !keepable(page)) page = null;
      }
      if (page) {
        reply.code(page.status);
        for (const [name, value] of page.headers) reply.header(name, value);
        reply.header('content-security-policy', options.policy(page.nonce));
        reply.header('x-page-cache', hit ? 'hit' : 'miss');
        // Which language a page is in depends on these two (localeOf), as its key does.
        reply.header('vary', 'accept-language, cookie');
        // As every signed-in page: not kept by the browser (its back button) or anything between.
        if (signedIn) reply.header('cache-control', 'private, no-store');
        const encoding = encodingFor(req, reply, header(page.headers, 'content-type'));
        if (!encoding) return reply.send(page.body);
        page.encoded ??= {};
        page.encoded[encoding] ??= compress(page.body, encoding);
        return sendEncoded(reply, page.body, encoding, await page.encoded[encoding]);
      }

      const abort = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) abort.abort(clientGone());
      });
      const render = async () => {
        // Refreshes the session first if it is about to expire (rewriting its cookie).
        const accessToken = await options.sessions.accessTokenFor(req, reply);
        const nonce = newNonce();
        // One request for the API in this process: the page's RPCs resolve the caller once.
        const response = await oneRequest(() => start.fetch(toRequest(req, abort.signal), context(req, accessToken, nonce)));
        return { accessToken, nonce, response };
      };
      let rendered: Awaited<ReturnType<typeof render>>;
      try {
        // A shared request that turned out personal (above) was let in without a slot: it takes one now.
        rendered = signedIn ? await admitted(render) : await render();
      } catch (error) {
        if (error instanceof OverloadedError) return refuse(req, reply);
        throw error;
      }
      const { accessToken, nonce, response } = rendered;
      reply.code(response.status);
      for (const [name, value] of response.headers) {
        if (name !== 'set-cookie') reply.header(name, value);
      }
      reply.header('content-security-policy', options.policy(nonce));
      if (accessToken !== null || req.cookies[sessionCookieName] !== undefined)
        reply.header('cache-control', 'private, no-store');
      const cookies = [...toArray(reply.getHeader('set-cookie')), ...response.headers.getSetCookie()];
      if (cookies.length) reply.header('set-cookie', cookies);
      const encoding =
        response.body && !response.headers.has('content-encoding')
          ? encodingFor(req, reply, response.headers.get('content-type'))
          : null;
      if (encoding) {
        // Whole, not streamed: the page is ready by the time its first bytes are (the loaders
        // run before rendering), and one write costs less than a write per rendered chunk.
        const body = Buffer.from(await response.arrayBuffer());
        return sendEncoded(reply, body, encoding, await compress(body, encoding));
      }
      return reply.send(response.body ? Readable.fromWeb(response.body as import('node:stream/web').ReadableStream) : null);
    });
  });
}

const newNonce = () => randomBytes(16).toString('base64');

/**
 * Why a render stops when its client hung up. Start logs every error it renders with a raw
 * stack trace (`console.error`) unless the error carries an HTTP status; a client that left is
 * not a fault of ours, so the reason says 499 (nginx's "client closed request") and nothing is
 * printed for it.
 */
const clientGone = () =>
  Object.assign(new Error('The client closed the connection before the page was rendered.'), { status: 499 });

/** The language to render a request's page in: the switch's cookie, then Accept-Language, then English. */
const localeOf = (req: FastifyRequest) => pickLocale(req.headers.cookie, req.headers['accept-language']);

/** Set by the app in the browser (apps/web/src/lib/shared-pages.ts): `1`, it runs the app and may share public pages. */
export const scriptsCookieName = 'yeet_js';
const scriptsCookie = new RegExp(`(?:^|;)\\s*${scriptsCookieName}=1(?:;|$)`);

/**
 * Pages whose content is the same for every reader but the person's parts: home, search and
 * a recipe (not its edit or history page). Anything else of a signed-in person is personal.
 */
const publicPage = /^\/(?:search)?(?:\?|$)|^\/r\/[^/?]+(?:\?|$)/;

/** A page fit to share: a 200 without cookies; one that says no-store (a shared collection: its link can be revoked) is never kept. */
const keepable = (page: CachedPage) =>
  page.status === 200 &&
  !page.headers.some(([name]) => name === 'set-cookie') &&
  !/no-store/.test(header(page.headers, 'cache-control') ?? '');

const header = (headers: Array<[string, string]>, name: string) => headers.find(([n]) => n === name)?.[1];

/**
 * The encoding to send a response of this type in, if any; a compressible one varies with
 * Accept-Encoding whatever this client asked, which caches in between must know.
 */
function encodingFor(req: FastifyRequest, reply: FastifyReply, contentType: string | null | undefined): Encoding | null {
  if (!compressible(contentType)) return null;
  const vary = reply.getHeader('vary');
  reply.header('vary', vary ? `${vary}, accept-encoding` : 'accept-encoding');
  return negotiate(req.headers['accept-encoding']);
}

/** `encoded` (the body in `encoding`) when compressing was worth it, else the body as it is. */
function sendEncoded(reply: FastifyReply, body: Buffer, encoding: Encoding, encoded: Buffer | null) {
  if (!encoded) return reply.send(body);
  reply.header('content-encoding', encoding);
  reply.removeHeader('content-length');
  return reply.send(encoded);
}

const toArray = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value ? [String(value)] : []);
