import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcFlow, type Tokens } from '../support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * /mcp as a browser or a remote assistant meets it: other sites' pages are refused (DNS
 * rebinding), and a client that is not signed in learns where and how to sign in (RFC 9728
 * protected resource metadata, the 401 challenge) and sees only the tools it may use.
 */
const sessionSecret = 'mcp-security-session-secret-that-is-long-enough';
let t: TestPlatform;
let signedIn: Tokens;

beforeAll(async () => {
  t = await startTestPlatform({
    ROLE: 'all',
    SESSION_SECRET: sessionSecret,
    MCP_ALLOWED_ORIGINS: 'https://assistant.example, http://localhost:6274',
  });
  signedIn = await oidcFlow(t.baseUrl, t.config, sessionSecret).signUp({
    email: 'ada@example.com',
    password: 'a long enough password',
    displayName: 'Ada',
  });
});
afterAll(async () => {
  await t?.stop();
});

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1' } },
};
const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${t.baseUrl}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });

describe('the Origin of /mcp requests', () => {
  it.each([
    ['another site', { origin: 'http://evil.test' }],
    ['a DNS-rebound name for this server', { origin: 'http://rebound.evil.test:3000' }],
    ['an opaque origin', { origin: 'null' }],
    ['a cross-site fetch without Origin', { 'sec-fetch-site': 'cross-site' }],
  ])('refuses %s with 403', async (_name, headers) => {
    expect((await post(initialize, headers)).status).toBe(403);
    const get = await fetch(`${t.baseUrl}/mcp`, { headers: { ...headers, accept: 'text/event-stream' } });
    expect(get.status).toBe(403);
  });

  it.each([
    ['PUBLIC_URL', () => new URL(t.baseUrl).origin],
    ['an origin in MCP_ALLOWED_ORIGINS', () => 'https://assistant.example'],
    ['another origin in MCP_ALLOWED_ORIGINS', () => 'http://localhost:6274'],
  ])('allows %s', async (_name, origin) => {
    const res = await post(initialize, { origin: origin() });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { result: { serverInfo: { name: string } } }).result.serverInfo.name).toBe('eat-or-yeet');
  });

  it('allows clients that send no Origin (not browsers)', async () => {
    expect((await post(initialize)).status).toBe(200);
  });
});

describe('authorization discovery (MCP authorization, RFC 9728)', () => {
  it.each(['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp'])(
    '%s names the resource and its authorization server',
    async (path) => {
      const res = await fetch(`${t.baseUrl}${path}`);
      expect(res.status).toBe(200);
      const metadata = (await res.json()) as Record<string, unknown>;
      expect(metadata).toMatchObject({
        resource: `${t.baseUrl}/mcp`,
        authorization_servers: [`${t.baseUrl}/oidc`],
        bearer_methods_supported: ['header'],
      });
      // the authorization server's own metadata is where the document says
      const issuer = await fetch(`${t.baseUrl}/oidc/.well-known/openid-configuration`);
      expect(((await issuer.json()) as { issuer: string }).issuer).toBe(`${t.baseUrl}/oidc`);
    },
  );

  it('a refused token is challenged with the resource metadata URL', async () => {
    const res = await post(initialize, { authorization: 'Bearer not-a-token' });
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate')!;
    expect(challenge).toContain(`resource_metadata="${t.baseUrl}/.well-known/oauth-protected-resource/mcp"`);
    expect(challenge).toContain('error="invalid_token"');
  });

  it('an anonymous call of a tool that needs a signed-in person is challenged, not answered', async () => {
    const res = await post({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'rate_recipe', arguments: { slug: 'x', stars: 5 } },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="[^"]+\/mcp"/);
  });
});

describe('tools/list', () => {
  const connect = async (headers: Record<string, string> = {}) => {
    const client = new Client({ name: 'security-tests', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${t.baseUrl}/mcp`), { requestInit: { headers } }));
    return client;
  };
  const writeTools = ['create_recipe_draft', 'update_recipe_draft', 'submit_recipe_for_review', 'rate_recipe'];

  it('shows anonymous callers only what they may use', async () => {
    const client = await connect();
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    await client.close();
    expect(names.sort()).toEqual(['get_recipe', 'list_facets', 'search_recipes']);
    expect(client.getInstructions()).toContain('sign in');
  });

  it('shows a signed-in caller every tool, the writing ones marked as not read-only', async () => {
    const client = await connect({ authorization: `Bearer ${signedIn.access_token}` });
    const tools = (await client.listTools()).tools;
    await client.close();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining([...writeTools, 'list_my_recipes']));
    for (const name of writeTools) expect(tools.find((tool) => tool.name === name)?.annotations?.readOnlyHint).toBe(false);
  });
});
