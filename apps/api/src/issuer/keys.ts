import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, createLocalJWKSet, exportJWK, generateKeyPair, type JWK, type JWTVerifyGetKey } from 'jose';

/**
 * The built-in issuer's signing key and cookie keys, generated on first start and kept in
 * the database (app_meta), so tokens and sessions survive restarts and every replica signs
 * with the same key.
 */
export interface IssuerSecrets {
  jwks: { keys: JWK[] };
  cookieKeys: string[];
}

export const issuerSecretsKey = 'oidc_issuer_secrets';

export async function generateIssuerSecrets(): Promise<IssuerSecrets> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  jwk.kid = await calculateJwkThumbprint(jwk);
  jwk.alg = 'RS256';
  jwk.use = 'sig';
  return { jwks: { keys: [jwk] }, cookieKeys: [randomBytes(32).toString('base64url')] };
}

/** The public half, to verify our own tokens without a round trip. */
export function publicKeySet(secrets: IssuerSecrets): JWTVerifyGetKey {
  const keys = secrets.jwks.keys.map(({ kty, n, e, crv, x, y, kid, alg, use }) =>
    Object.fromEntries(Object.entries({ kty, n, e, crv, x, y, kid, alg, use }).filter(([, v]) => v !== undefined)),
  );
  return createLocalJWKSet({ keys });
}
