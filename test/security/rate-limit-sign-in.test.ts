import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browse, oidcFlow, type OidcFlow } from '../support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * Failed sign-ins at the built-in issuer, on two replicas sharing one database: the back-off
 * is per account and address and shared, and neither one noisy address nor guesses at one
 * account keep the owner out (the denial issue 14 describes). TRUST_PROXY lets each request
 * come from the address the test names.
 */
const sessionSecret = 'rate-limit-test-session-secret-0123456789abcdef';
const env = { TRUST_PROXY: 'true', SESSION_SECRET: sessionSecret, DEV_AUTH: 'false' };
let a: TestPlatform;
let b: TestPlatform;
let flows: Map<TestPlatform, OidcFlow>;
const owner = { email: `owner-${randomInt(1e9)}@example.com`, password: 'the owner knows this one', displayName: 'Owner' };
const other = { email: `other-${randomInt(1e9)}@example.com`, password: 'someone else entirely', displayName: 'Other' };

beforeAll(async () => {
  a = await startTestPlatform(env);
  b = await startTestPlatform(env, a.database);
  flows = new Map([
    [a, oidcFlow(a.baseUrl, a.config, sessionSecret)],
    [b, oidcFlow(b.baseUrl, b.config, sessionSecret)],
  ]);
  await flows.get(a)!.signUp(owner);
  await flows.get(b)!.signUp(other);
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

const address = (net: string) => `${net}.${randomInt(1, 255)}`;

/** One sign-in attempt on a fresh interaction page of `platform`, sent from `from`. */
async function attempt(platform: TestPlatform, email: string, password: string, from: string) {
  const { jar, page } = await flows.get(platform)!.start();
  const path = new URL(page.url, platform.baseUrl).pathname;
  const res = await browse(jar, `${platform.baseUrl}${path}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': from },
    body: new URLSearchParams({ email, password }).toString(),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text() };
}
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sign-in back-off across replicas', () => {
  it('slows one account from one address with a doubling wait; the owner elsewhere and other accounts go on', async () => {
    const attacker = address('198.51.100');
    for (let i = 0; i < 5; i++) expect((await attempt(i % 2 ? b : a, owner.email, `guess ${i}`, attacker)).status).toBe(401);
    const slowed = await attempt(b, owner.email, 'guess 5', attacker);
    expect(slowed.status).toBe(429);
    expect(slowed.retryAfter).toBe('1');
    expect(slowed.text).toContain('Too many failed sign-ins to this account from your address. Wait 1 s, then try again.');

    // not a lockout: the owner from their own address signs in, another account from the attacker's is only told "incorrect"
    expect((await attempt(a, owner.email, owner.password, address('192.0.2'))).status).toBe(303);
    expect((await attempt(a, other.email, 'a wrong one', attacker)).status).toBe(401);

    await pause(1_100);
    expect((await attempt(a, owner.email, 'guess 6', attacker)).status).toBe(401);
    const longer = await attempt(b, owner.email, 'guess 7', attacker);
    expect(longer.status).toBe(429);
    expect(longer.retryAfter).toBe('2');
  });

  it('slows an address that guesses at many accounts without locking its people out', async () => {
    const shared = address('100.64.0');
    for (let i = 0; i < 30; i++) {
      expect((await attempt(i % 2 ? b : a, `nobody-${i}-${randomInt(1e9)}@example.com`, 'wrong', shared)).status).toBe(401);
    }
    const slowed = await attempt(a, other.email, other.password, shared);
    expect(slowed.status).toBe(429);
    expect(slowed.text).toContain('Too many failed sign-ins from your address. Wait 1 s, then try again.');
    await pause(1_100);
    expect((await attempt(b, other.email, other.password, shared)).status).toBe(303);
  });
});
