import type { Transport } from '@connectrpc/connect';
import { createCsrfMiddleware, createStart } from '@tanstack/react-start';

/** Values the host server passes with every request (see apps/server/src/web.ts). */
export interface RequestContext {
  /** Where server-side rendering reaches the API, e.g. http://127.0.0.1:3000. */
  apiUrl: string;
  /** The signed-in person's access token (from the session cookie), or null. */
  accessToken: string | null;
  /** Where people reach the site, e.g. https://recipes.example.com: for links shared elsewhere. */
  publicUrl: string;
  /** This response's Content-Security-Policy nonce: every script tag the page renders carries it. */
  nonce: string;
  /**
   * The API in the host's own process (`--role all`), called without a socket and already
   * carrying the caller's token; absent, the API is reached over HTTP at `apiUrl`.
   */
  transport?: Transport;
  /** The language to render the page in (the `lang` cookie, else Accept-Language; @yeet/domain/locale). */
  locale?: 'en' | 'de';
  /**
   * 'browser': the page shared by every signed-in reader (no token): their parts are left to
   * the browser, which asks for them once it has loaded (docs/decisions/0033).
   */
  viewer?: 'browser';
}

declare module '@tanstack/react-start' {
  interface Register {
    server: { requestContext: RequestContext };
  }
}

export const startInstance = createStart(() => ({
  // A custom start instance replaces Start's default request middleware, which is the
  // CSRF check for server functions: keep it.
  requestMiddleware: [createCsrfMiddleware({ filter: (ctx) => ctx.handlerType === 'serverFn' })],
}));
