import { freePort } from '@yeet/db';
import { loadConfig } from '@yeet/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../../apps/server/src/platform.ts';
import { captureLogs } from '../support/logs.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * PUBLIC_URL is the one address of the site. The built-in issuer builds its URLs from it,
 * not from the Host header (a forged Host cannot put another site into discovery or its
 * redirects); pages opened at another address of the server are sent there; machines
 * (the API, MCP, probes, images) are answered wherever they call.
 */
let t: TestPlatform;
const inject = (url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' | 'POST' = 'GET') =>
  t.platform.app.inject({ method, url, headers });

beforeAll(async () => {
  t = await startTestPlatform({ ROLE: 'all', SESSION_SECRET: 'hosts-test-session-secret-0123456789' });
});
afterAll(async () => {
  await t?.stop();
});

const foreign = [
  ['Host: evil.test', { host: 'evil.test' }],
  ['X-Forwarded-Host and -Proto', { host: 'evil.test', 'x-forwarded-host': 'evil.test', 'x-forwarded-proto': 'https' }],
  ['X-Forwarded-Host alone', { 'x-forwarded-host': 'evil.test' }],
] as const;

describe('the built-in issuer', () => {
  it.each(foreign)('discovery names PUBLIC_URL only, whatever the request says (%s)', async (_name, headers) => {
    const res = await inject('/oidc/.well-known/openid-configuration', { host: new URL(t.baseUrl).host, ...headers });
    expect(res.statusCode).toBe(200);
    const urls = Object.values(res.json() as Record<string, unknown>).filter(
      (v): v is string => typeof v === 'string' && /^https?:/.test(v),
    );
    expect(urls.length).toBeGreaterThan(5);
    for (const url of urls) expect(new URL(url).origin, url).toBe(t.baseUrl);
  });

  it('its redirects stay on PUBLIC_URL for a forged Host', async () => {
    const params = new URLSearchParams({
      client_id: t.config.oidc.clientId,
      redirect_uri: `${t.baseUrl}/auth/callback`,
      response_type: 'code',
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    const res = await inject(`/oidc/auth?${params}`, { host: 'evil.test' });
    expect(res.statusCode).toBe(303);
    // a relative Location is fine: it cannot name another site
    expect(new URL(res.headers.location as string, t.baseUrl).origin).toBe(t.baseUrl);
  });
});

describe('another address than PUBLIC_URL', () => {
  const other = () => `localhost:${new URL(t.baseUrl).port}`;

  it.each(['/', '/search?q=soup', '/r/anything', '/auth/login?returnTo=/me/recipes'])(
    '%s is sent to PUBLIC_URL',
    async (path) => {
      for (const method of ['GET', 'HEAD'] as const) {
        const res = await inject(path, { host: other() }, method);
        expect(res.statusCode).toBe(302);
        expect(res.headers.location).toBe(`${t.baseUrl}${path}`);
      }
    },
  );

  it('a path that looks like another host stays a path on PUBLIC_URL', async () => {
    for (const path of ['//evil.test/x', '/\\evil.test', '/%2F%2Fevil.test']) {
      const res = await inject(path, { host: 'evil.test' });
      expect(res.statusCode).toBe(302);
      expect(new URL(res.headers.location as string).origin).toBe(t.baseUrl);
    }
  });

  it('machines are answered where they call: API, MCP, probes, metrics, issuer, images', async () => {
    for (const path of [
      '/healthz',
      '/readyz',
      '/metrics',
      '/oidc/jwks',
      '/api/yeet.v1.RecipeService/ListRecipes',
      '/mcp',
      '/_img/x',
    ]) {
      expect((await inject(path, { host: other() })).statusCode, path).not.toBe(302);
    }
    expect((await inject('/auth/logout', { host: other() }, 'POST')).statusCode).not.toBe(302);
  });

  it('at PUBLIC_URL itself, pages answer', async () => {
    expect((await inject('/', { host: new URL(t.baseUrl).host })).statusCode).toBe(200);
  });
});

it('the start-up line names PUBLIC_URL as the address to open, not the one it listens on', async () => {
  const port = await freePort();
  const { logger, lines } = captureLogs();
  const config = loadConfig({
    ROLE: 'web',
    HOST: '0.0.0.0',
    PORT: String(port),
    PUBLIC_URL: 'https://recipes.example',
    SESSION_SECRET: 'hosts-test-session-secret-0123456789',
  });
  const web = await startPlatform(config, logger);
  await web.stop();
  const ready = lines.find((l) => l.msg === 'Eat or Yeet is ready');
  expect(ready).toMatchObject({ url: 'https://recipes.example', listening: `http://127.0.0.1:${port}` });
});
