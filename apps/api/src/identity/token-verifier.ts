import { RecentCache } from '@yeet/platform';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/**
 * Verifies OIDC access tokens (JWT) from one issuer: signature against the issuer's JWKS
 * (cached; an unknown `kid` triggers a refetch, at most every 30 s), issuer, audience,
 * expiry and not-before with a small clock-skew allowance. Anything wrong yields a reason,
 * never an exception: the caller treats it as anonymous.
 *
 * A token found valid is remembered for a minute (by its whole text, signature included), so
 * that the same token is not checked again on each of the calls one page makes, nor on each
 * page a reader opens: a signature check was ~4 % of a signed-in page's CPU time. A remembered
 * token is checked again once it is past its expiry, and a key withdrawn from the issuer's JWKS
 * stops a token it signed within that minute. Failures are not remembered.
 */
export interface TokenVerifier {
  readonly issuer: string;
  verify(token: string): Promise<{ ok: true; claims: JWTPayload } | { ok: false; reason: string }>;
}

export const clockToleranceSeconds = 30;
/** How long a token found valid is taken without checking its signature again. */
const rememberedMs = 60_000;
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
  const check = async (token: string): Promise<Verified> => {
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
  };
  const remembered = new RecentCache<Verified>({ size: 2_000, ttlMs: rememberedMs });
  return {
    issuer: options.issuer,
    async verify(token) {
      const { value, hit } = await remembered.get(
        token,
        () => check(token),
        (result) => result.ok,
      );
      // A token remembered into its last minute has expired meanwhile: checked again, it is refused.
      if (hit && value.ok && (value.claims.exp! + clockToleranceSeconds) * 1000 <= Date.now()) return check(token);
      return value;
    },
  };
}

type Verified = Awaited<ReturnType<TokenVerifier['verify']>>;

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
