import type { IssuerMetadata } from './token-verifier.ts';

/**
 * Name and email of someone seen for the first time with an external issuer's token: from
 * its userinfo endpoint, since access tokens rarely carry them.
 */
export function userinfoProfile(metadata: () => Promise<IssuerMetadata>) {
  return async (subject: string, token: string): Promise<{ displayName: string; email: string | null }> => {
    const fallback = { displayName: `Cook ${subject.slice(-6)}`, email: null };
    try {
      const endpoint = (await metadata()).userinfo_endpoint;
      if (!endpoint) return fallback;
      const res = await fetch(endpoint, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(3_000) });
      if (!res.ok) return fallback;
      const info = (await res.json()) as { name?: string; nickname?: string; preferred_username?: string; email?: string };
      const name = (info.name ?? info.nickname ?? info.preferred_username ?? '').trim().slice(0, 80);
      return { displayName: name || fallback.displayName, email: info.email ?? null };
    } catch {
      return fallback;
    }
  };
}
