import { createSealer, type Sealer } from './seal.ts';

/**
 * The web app's session, kept in one encrypted, httpOnly cookie. The web role writes it
 * after sign-in; the API reads the access token from it when a browser calls /api, so
 * tokens never reach page scripts.
 */
export const sessionCookieName = 'yeet_session';

export interface WebSession {
  accessToken: string;
  refreshToken: string | null;
  /** When the access token expires, in seconds since the epoch. */
  expiresAt: number;
}

export interface WebSessionCodec {
  /** The session in a Cookie header, or null. */
  read(cookieHeader: string | null | undefined): WebSession | null;
  /** The sealed cookie value. */
  seal(session: WebSession, ttlSeconds: number): string;
}

export function webSessionCodec(secret: string): WebSessionCodec {
  const sealer: Sealer = createSealer(secret, 'web-session');
  return {
    read(header) {
      const value = readCookie(header, sessionCookieName);
      return value ? sealer.unseal<WebSession>(value) : null;
    },
    seal(session, ttlSeconds) {
      return sealer.seal(session, ttlSeconds);
    },
  };
}

/** One cookie's value from a Cookie header. */
export function readCookie(header: string | null | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}
