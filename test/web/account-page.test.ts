import { createClient } from '@connectrpc/connect';
import { UserService } from '@yeet/contract';
import { sessionCookieName, webSessionCodec } from '@yeet/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcFlow } from '../support/oidc.ts';
import { bearerTransport, startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * The account page comes with the person's data exports rendered: asked for from the
 * browser, they brought the API's client code and a call into the page's load.
 */
const sessionSecret = 'account-page-test-session-secret-0123456789';
let t: TestPlatform;
let cookie: string;

beforeAll(async () => {
  t = await startTestPlatform({ ROLE: 'all', SESSION_SECRET: sessionSecret });
  const flow = oidcFlow(t.baseUrl, t.config, sessionSecret);
  const tokens = await flow.signUp({
    email: 'keeper@example.com',
    password: 'a long enough password',
    displayName: 'Kim Keeper',
  });
  const session = {
    id: 'account-page',
    accessToken: tokens.access_token,
    refreshToken: null,
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  };
  cookie = `${sessionCookieName}=${webSessionCodec(sessionSecret).seal(session, 3600)}`;
  const users = createClient(UserService, bearerTransport(t.baseUrl, tokens.access_token));
  const { user } = await users.getMe({});
  await users.requestDataExport({ userId: user!.id });
});
afterAll(() => t?.stop());

describe('the account page', () => {
  it('is rendered with the latest data export, not left for the browser to ask', async () => {
    const page = await fetch(`${t.baseUrl}/account`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Kim Keeper');
    // with an export on file the button offers a new one (no exports: "Download my data")
    expect(html).toContain('Prepare a new archive');
  });
});
