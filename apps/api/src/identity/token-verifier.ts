import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/**
 * Verifies OIDC access tokens (JWT) from one issuer: signature against the issuer's JWKS
 * (cached; an unknown `kid` triggers a refetch, at most every 30 s), issuer, audience,
 * expiry and not-before with a small clock-skew allowance. Anything wrong yields a reason,
 * never an exception: the caller treats it as anonymous.
 */
export interface TokenVerifier {
  readonly issuer: string;
  verify(token: string): Promise<{ ok: true; claims: JWTPayload } | { ok: false; reason: string }>;
}

export const clockToleranceSeconds = 30;
const algorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export type IssuerKeys =
  /** Keys held in this process (the built-in issuer). */
  | { kind: 'local'; keySet: JWTVerifyGetKey }
  /** The issuer's published JWKS, found through discovery. */
  | { kind: 'remote'; jwksUri: () => Promise<URL> };

export function createTokenVerifier(options: { issuer: string; audience: string; keys: IssuerKeys }): TokenVerifier {
  const { keys } = options;
  let remote: JWTVerifyGetKey | null = null;
  const keySet: JWTVerifyGetKey =
    keys.kind === 'local'
      ? keys.keySet
      : async (header, token) => {
          remote ??= createRemoteJWKSet(await keys.jwksUri(), {
            cooldownDuration: 30_000,
            cacheMaxAge: 10 * 60_000,
          });
          return remote(header, token);
        };
  return {
    issuer: options.issuer,
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keySet, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms,
          clockTolerance: clockToleranceSeconds,
          requiredClaims: ['sub', 'exp'],
        });
        return { ok: true, claims: payload };
      } catch (e) {
        const error = e as { code?: string; message?: string };
        return { ok: false, reason: `${error.code ?? 'ERR'}: ${error.message ?? String(e)}` };
      }
    },
  };
}

/** A claim by name, or by dotted path ("realm_access.roles"). */
export function claimAt(claims: JWTPayload, path: string): unknown {
  if (path in claims) return claims[path];
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined),
      claims,
    );
}
