import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Download links of data exports: `/api/exports/<id>?exp=<unix seconds>&sig=<HMAC>`. The id is
 * random and the signature covers it and the expiry, so a link can be neither guessed nor
 * stretched; the route also checks the export still exists (swept, or its account deleted →
 * the link is dead at once).
 */
export interface ExportLinks {
  url(id: string, expiresAt: Date): string;
  /** The expiry the link was signed with, or null when the link is not one of ours. */
  verify(id: string, exp: string, sig: string): Date | null;
}

export function exportLinks(secret: string, publicUrl: string): ExportLinks {
  const sign = (id: string, exp: number) => createHmac('sha256', secret).update(`export.${id}.${exp}`).digest('base64url');
  return {
    url(id, expiresAt) {
      const exp = Math.floor(expiresAt.getTime() / 1000);
      return `${publicUrl}/api/exports/${id}?exp=${exp}&sig=${sign(id, exp)}`;
    },
    verify(id, exp, sig) {
      const n = Number(exp);
      if (!/^\d{1,12}$/.test(exp) || !Number.isSafeInteger(n)) return null;
      const expected = Buffer.from(sign(id, n));
      const given = Buffer.from(sig);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
      return new Date(n * 1000);
    },
  };
}
