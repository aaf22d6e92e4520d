import type { Logger, OidcClient } from '@yeet/platform';

/**
 * Name and email of someone seen for the first time with an external issuer's token: from
 * its userinfo endpoint, since access tokens rarely carry them. Without an answer (no
 * endpoint, the issuer down, or an answer about someone else) the person gets a
 * placeholder name they can change.
 */
export function userinfoProfile(issuer: OidcClient, logger: Logger) {
  return async (subject: string, token: string): Promise<{ displayName: string; email: string | null }> => {
    const fallback = { displayName: `Cook ${subject.slice(-6)}`, email: null };
    try {
      const info = await issuer.userinfo(token, subject);
      if (!info) return fallback;
      const name = (info.name ?? info.nickname ?? info.preferred_username ?? '').trim().slice(0, 80);
      return { displayName: name || fallback.displayName, email: info.email ?? null };
    } catch (err) {
      logger.warn({ err, subject }, 'no profile from the issuer’s userinfo endpoint; using a placeholder name');
      return fallback;
    }
  };
}
