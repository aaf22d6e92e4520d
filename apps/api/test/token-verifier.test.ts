import { createLocalJWKSet, exportJWK, generateKeyPair, type JWTVerifyGetKey, SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clockToleranceSeconds, createTokenVerifier } from '../src/identity/token-verifier.ts';

const issuer = 'https://issuer.example';
const audience = 'eat-or-yeet';

async function setup() {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] });
  // Every signature check asks for the key: counting the asks counts the checks.
  let checks = 0;
  const keySet: JWTVerifyGetKey = (header, token) => {
    checks += 1;
    return jwks(header, token);
  };
  const verifier = createTokenVerifier({ issuer, audience, keys: { kind: 'local', keySet } });
  const sign = (claims: { exp: number; sub?: string }, key = privateKey) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(claims.sub ?? 'person-1')
      .setExpirationTime(claims.exp)
      .sign(key);
  return { verifier, sign, checks: () => checks };
}

const now = () => Math.floor(Date.now() / 1000);

afterEach(() => {
  vi.useRealTimers();
});

describe('token verifier', () => {
  it('checks a token’s signature once, however often and however concurrently it is presented', async () => {
    const { verifier, sign, checks } = await setup();
    const token = await sign({ exp: now() + 600 });
    const first = await Promise.all([verifier.verify(token), verifier.verify(token), verifier.verify(token)]);
    expect(first.every((r) => r.ok && r.claims.sub === 'person-1')).toBe(true);
    expect(await verifier.verify(token)).toMatchObject({ ok: true });
    expect(checks()).toBe(1);
  });

  it('refuses a remembered token once it has expired', async () => {
    const { verifier, sign } = await setup();
    const token = await sign({ exp: now() + 60 });
    expect(await verifier.verify(token)).toMatchObject({ ok: true });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + (60 + clockToleranceSeconds + 1) * 1000);
    const later = await verifier.verify(token);
    expect(later.ok).toBe(false);
    expect(later.ok ? '' : later.reason).toMatch(/exp/);
  });

  it('remembers no failure: a bad signature is refused every time, and a good token after it is accepted', async () => {
    const { verifier, sign, checks } = await setup();
    const other = await generateKeyPair('RS256');
    const forged = await sign({ exp: now() + 600 }, other.privateKey);
    expect((await verifier.verify(forged)).ok).toBe(false);
    expect((await verifier.verify(forged)).ok).toBe(false);
    expect(checks()).toBe(2);
    expect((await verifier.verify(await sign({ exp: now() + 600 }))).ok).toBe(true);
  });
});
