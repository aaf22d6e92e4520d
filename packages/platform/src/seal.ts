import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Authenticated encryption (AES-256-GCM) of small JSON values for cookies: the browser can
 * neither read nor alter them. Keys are derived from one secret per purpose (HKDF), so the
 * same secret can back several cookies without their values being interchangeable.
 */
export interface Sealer {
  seal(value: unknown, ttlSeconds: number): string;
  /** null when the value is malformed, tampered with, sealed for another purpose or expired. */
  unseal<T>(sealed: string): T | null;
}

export function createSealer(secret: string, purpose: string): Sealer {
  const key = Buffer.from(hkdfSync('sha256', secret, 'eat-or-yeet', `seal:${purpose}`, 32));
  return {
    seal(value, ttlSeconds) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([
        cipher.update(JSON.stringify({ v: value, e: Math.floor(Date.now() / 1000) + ttlSeconds }), 'utf8'),
        cipher.final(),
      ]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    unseal<T>(sealed: string) {
      try {
        const raw = Buffer.from(sealed, 'base64url');
        if (raw.length < 29) return null;
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
        const { v, e } = JSON.parse(text) as { v: T; e: number };
        return e >= Date.now() / 1000 ? v : null;
      } catch {
        return null;
      }
    },
  };
}

/** A value derived from the secret for one purpose (e.g. the web app's OIDC client secret). */
export function deriveSecret(secret: string, purpose: string): string {
  return createHmac('sha256', secret).update(purpose).digest('base64url');
}
