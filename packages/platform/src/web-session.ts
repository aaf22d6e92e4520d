import { parseCookie } from 'cookie';
import type { HeldTokens } from './oidc.ts';
import { createSealer, type Sealer } from './seal.ts';

/**
 * The web app's session, kept in one encrypted, httpOnly cookie. The web role writes it
 * after sign-in; the API reads the access token from it when a browser calls /api, so
 * tokens never reach page scripts.
 */
export const sessionCookieName = 'yeet_session';

/** How long a session cookie lives after it was last written (sign-in, refresh). */
export const webSessionTtlSeconds = 14 * 24 * 60 * 60;

/**
 * The API's view of the session in the request's cookie (the cookie is the proof): `GET`
 * answers 204 while it is open and 401 once it was signed out; `DELETE` — the web role's
 * sign-out — ends it, and from then on the API refuses the tokens of every copy of the cookie.
 */
export const currentWebSessionPath = '/api/web-sessions/current';

export interface WebSession extends HeldTokens {
  /**
   * Names the sign-in for the server side: signing out records it as ended, and the API then
   * refuses the tokens of any copy of the cookie. It stays the same across refreshes.
   */
  id: string;
  /**
   * When the person last authenticated at the issuer (the ID token's `auth_time`, Unix seconds),
   * kept across refreshes; absent when the issuer did not say. Deleting an account needs a recent one.
   */
  signedInAt?: number;
}

export interface WebSessionCodec {
  /**
   * The session in a Cookie header; null when there is none or it is not one of ours (malformed,
   * tampered with, expired, or sealed before sessions had an id and so could not be ended).
   */
  read(cookieHeader: string | null | undefined): WebSession | null;
  /** The sealed cookie value. */
  seal(session: WebSession, ttlSeconds: number): string;
}

export function webSessionCodec(secret: string): WebSessionCodec {
  const sealer: Sealer = createSealer(secret, 'web-session');
  return {
    read(header) {
      // A value that is not valid percent-encoding comes back as it was, and then fails to unseal.
      const value = header ? parseCookie(header)[sessionCookieName] : undefined;
      const session = value ? sealer.unseal<WebSession>(value) : null;
      return typeof session?.id === 'string' ? session : null;
    },
    seal(session, ttlSeconds) {
      return sealer.seal(session, ttlSeconds);
    },
  };
}

/**
 * Whether a browser sent this request from another site, so it must not change anything on
 * the strength of the session cookie (CSRF). `Origin` decides when present (`null`, sent by
 * sandboxed frames and some redirects, is foreign); without it, `Sec-Fetch-Site` must say the
 * request is same-origin or the person's own (typed address, bookmark). Requests with neither
 * come from clients that are not browsers: they carry no ambient cookie to abuse.
 */
export function isCrossOrigin(
  headers: { origin?: string | string[] | undefined; 'sec-fetch-site'?: string | string[] | undefined },
  allowedOrigins: readonly string[],
): boolean {
  const origin = headers.origin;
  if (origin !== undefined) return typeof origin !== 'string' || !allowedOrigins.includes(origin);
  const site = headers['sec-fetch-site'];
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  return false;
}
