import { parseCookie } from 'cookie';
import type { HeldTokens } from './oidc.ts';
import { createSealer, type Sealer } from './seal.ts';

/**
 * The web app's session, kept in one encrypted, httpOnly cookie. The web role writes it
 * after sign-in; the API reads the access token from it when a browser calls /api, so
 * tokens never reach page scripts.
 */
export const sessionCookieName = 'yeet_session';

export type WebSession = HeldTokens;

export interface WebSessionCodec {
  /** The session in a Cookie header; null when there is none or it is not one of ours (malformed, tampered with, expired). */
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
      return value ? sealer.unseal<WebSession>(value) : null;
    },
    seal(session, ttlSeconds) {
      return sealer.seal(session, ttlSeconds);
    },
  };
}
