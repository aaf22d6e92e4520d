import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * When something fails on our side, the answer says so and no more: no internal host names
 * or addresses, no driver messages, no stack traces. Those go to the log.
 */
const sessionSecret = 'error-bodies-test-session-secret-0123456789';
let t: TestPlatform;
let web: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform({ ROLE: 'all', SESSION_SECRET: sessionSecret });
  // a web role whose API and identity provider are at internal names that do not resolve
  web = await startTestPlatform(
    {
      ROLE: 'web',
      SESSION_SECRET: sessionSecret,
      API_URL: 'http://api.internal.invalid:3000',
      OIDC_ISSUER: 'http://idp.internal.invalid:8080/realms/recipes',
      OIDC_CLIENT_ID: 'recipes-web',
      OIDC_CLIENT_SECRET: 'recipes-web-secret',
    },
    t.database,
  );
});
afterAll(async () => {
  await web?.stop();
  await t?.stop();
});

function expectNothingInternal(body: string): void {
  expect(body).not.toMatch(/internal\.invalid|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|getaddrinfo/);
  expect(body).not.toMatch(/\n\s+at [\w.<>]+ \(|node_modules|\/apps\//);
}

describe('error bodies', () => {
  it('a page while the API cannot be reached', async () => {
    for (const path of ['/', '/r/some-recipe', '/search?q=soup']) {
      const res = await fetch(`${web.baseUrl}${path}`);
      expect(res.status).toBe(503);
      expectNothingInternal(await res.text());
    }
  });

  it('signing in while the identity provider cannot be reached', async () => {
    const res = await fetch(`${web.baseUrl}/auth/login`, { redirect: 'manual' });
    expect(res.status).toBeGreaterThanOrEqual(500);
    const body = await res.text();
    expectNothingInternal(body);
    expect(body).toContain('Something went wrong on our side');
  });

  it('the client’s own mistakes are still named', async () => {
    const res = await fetch(`${t.baseUrl}/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('not a valid url');
  });

  it('the issuer’s error page', async () => {
    const res = await fetch(`${t.baseUrl}/oidc/auth?client_id=nobody&redirect_uri=http://10.0.0.1/x`);
    expect(res.status).toBe(400);
    expectNothingInternal(await res.text());
  });
});
