import {
  type CallToolResult,
  Client,
  type OAuthClientInformationMixed,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type OAuthTokens,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browse, CookieJar, follow, oidcFlow, type Tokens } from '../support/oidc.ts';
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
    const instructions = client.getInstructions();
    await client.close();
    expect(names.sort()).toEqual(['get_recipe', 'list_facets', 'search_recipes']);
    expect(instructions).toContain('sign in');
  });

  it('shows a signed-in caller every tool, the writing ones marked as not read-only', async () => {
    const client = await connect({ authorization: `Bearer ${signedIn.access_token}` });
    const tools = (await client.listTools()).tools;
    await client.close();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining([...writeTools, 'list_my_recipes']));
    for (const name of writeTools) expect(tools.find((tool) => tool.name === name)?.annotations?.readOnlyHint).toBe(false);
  });
});

/** How long a registered client is kept, in days from now. */
async function daysLeft(clientId: string): Promise<number> {
  const db = new pg.Client({ connectionString: t.database.url });
  await db.connect();
  try {
    const { rows } = await db.query<{ expires_at: Date }>(
      "select expires_at from oidc_payloads where model = 'Client' and id = $1",
      [clientId],
    );
    return (rows[0]!.expires_at.getTime() - Date.now()) / 86_400_000;
  } finally {
    await db.end();
  }
}

/** An MCP client's OAuth side, as a desktop assistant keeps it: in memory, the browser driven by the test. */
class AssistantAuth implements OAuthClientProvider {
  client: OAuthClientInformationMixed | undefined;
  held: OAuthTokens | undefined;
  verifier = '';
  authorizationUrl: URL | null = null;
  readonly redirectUrl = 'http://127.0.0.1:33418/auth/callback';
  readonly clientMetadata: OAuthClientMetadata = {
    client_name: 'Pantry Pal <Assistant>',
    redirect_uris: [this.redirectUrl],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  };
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.client = info;
  }
  tokens() {
    return this.held;
  }
  saveTokens(tokens: OAuthTokens) {
    this.held = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  /** What discovery found, kept with the verifier: the callback is checked against that authorization server. */
  discovered: OAuthDiscoveryState | undefined;
  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovered = state;
  }
  discoveryState() {
    return this.discovered;
  }
}

/** Signs in at the issuer as a browser would, up to the consent page. */
async function consentPage(url: URL) {
  const jar = new CookieJar();
  const login = await follow(jar, t.baseUrl, await browse(jar, url.href));
  const loginAction = /action="([^"]+)"/.exec(await login.text())![1]!.replaceAll('&amp;', '&');
  const afterLogin = await browse(jar, new URL(loginAction, t.baseUrl).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: 'ada@example.com', password: 'a long enough password' }).toString(),
  });
  const page = await (await follow(jar, t.baseUrl, afterLogin)).text();
  const action = /action="([^"]+)"/.exec(page)![1]!.replaceAll('&amp;', '&');
  /** Answers the page as posted from `origin`. */
  const answer = (decision: 'allow' | 'deny', origin = new URL(t.baseUrl).origin) =>
    browse(jar, new URL(action, t.baseUrl).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      body: new URLSearchParams({ decision }).toString(),
    });
  /** Where the browser ends up after an answer: the client's redirect URI. */
  const back = async (answered: Response) =>
    new URL((await follow(jar, t.baseUrl, answered)).headers.get('location')!, t.baseUrl);
  return { page, answer, back };
}

describe('a remote assistant signs in by itself (dynamic registration, authorization code + PKCE)', () => {
  it('registers, asks the person (naming the client), and then acts as them', async () => {
    const auth = new AssistantAuth();
    const transport = new StreamableHTTPClientTransport(new URL(`${t.baseUrl}/mcp`), { authProvider: auth });
    const client = new Client({ name: 'pantry-pal', version: '1.0.0' });
    await client.connect(transport); // anonymous: reading needs no sign-in
    const draft = {
      title: 'Assistant Soup',
      servings: 2,
      ingredient_sections: [{ name: 'Soup', ingredients: [{ quantity: 1, unit: 'l', item: 'water' }] }],
      steps: ['Boil the water.'],
    };
    // a write tool: 401 → discovery → registration → the person is sent to the issuer
    await expect(client.callTool({ name: 'create_recipe_draft', arguments: draft })).rejects.toThrow(/Unauthorized/);
    expect(auth.client?.client_id).toBeTruthy();
    expect(auth.authorizationUrl?.searchParams.get('resource')).toBe(`${t.baseUrl}/mcp`);
    expect(auth.authorizationUrl?.searchParams.get('code_challenge_method')).toBe('S256');

    const consent = await consentPage(auth.authorizationUrl!);
    const { page } = consent;
    const back = await consent.back(await consent.answer('allow'));
    expect(page).toContain('Connect Pantry Pal &lt;Assistant&gt;?');
    expect(page).toContain('http://127.0.0.1:33418');
    expect(back.origin + back.pathname).toBe(auth.redirectUrl);
    // the code and the issuer that sent it (RFC 9207: the client checks it is the one it asked)
    expect(back.searchParams.get('iss')).toBe(`${t.baseUrl}/oidc`);
    await transport.finishAuth(back.searchParams);
    expect(auth.held?.refresh_token).toBeTruthy();
    // used: the client is kept for a long while
    await expect.poll(() => daysLeft(String(auth.client!.client_id))).toBeGreaterThan(80);

    const signedInClient = new Client({ name: 'pantry-pal', version: '1.0.0' });
    await signedInClient.connect(new StreamableHTTPClientTransport(new URL(`${t.baseUrl}/mcp`), { authProvider: auth }));
    const created = (await signedInClient.callTool({ name: 'create_recipe_draft', arguments: draft })) as CallToolResult;
    expect(created.isError, JSON.stringify(created.content)).toBeFalsy();
    const mine = (await signedInClient.callTool({ name: 'list_my_recipes', arguments: {} })) as CallToolResult;
    expect(JSON.stringify(mine.structuredContent)).toContain('Assistant Soup');
    await signedInClient.close();
    await client.close();
  });

  it('refuses a consent posted from another site', async () => {
    const auth = new AssistantAuth();
    const client = new Client({ name: 'pantry-pal', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${t.baseUrl}/mcp`), { authProvider: auth }));
    await expect(client.callTool({ name: 'rate_recipe', arguments: { slug: 'x', stars: 4 } })).rejects.toThrow(/Unauthorized/);
    await client.close();
    const forged = await (await consentPage(auth.authorizationUrl!)).answer('allow', 'https://evil.test');
    expect(forged.status).toBe(403);
  });

  it('gives no code when the person cancels', async () => {
    const auth = new AssistantAuth();
    const transport = new StreamableHTTPClientTransport(new URL(`${t.baseUrl}/mcp`), { authProvider: auth });
    const client = new Client({ name: 'pantry-pal', version: '1.0.0' });
    await client.connect(transport);
    await expect(client.callTool({ name: 'rate_recipe', arguments: { slug: 'x', stars: 4 } })).rejects.toThrow(/Unauthorized/);
    const consent = await consentPage(auth.authorizationUrl!);
    const back = await consent.back(await consent.answer('deny'));
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('code')).toBeNull();
    await client.close();
  });

  const register = (metadata: Record<string, unknown>) =>
    fetch(`${t.baseUrl}/oidc/reg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'Probe', ...metadata }),
    });

  it.each([
    ['a redirect URI on a plain-http host', { redirect_uris: ['http://evil.test/callback'] }, 'invalid_redirect_uri'],
    ['a custom-scheme or javascript URI', { redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri'],
    ['no redirect URI', {}, 'invalid_redirect_uri'],
    [
      'a confidential client',
      { redirect_uris: ['https://app.example/cb'], token_endpoint_auth_method: 'client_secret_basic' },
      'invalid_client_metadata',
    ],
    [
      'another grant',
      { redirect_uris: ['https://app.example/cb'], grant_types: ['client_credentials'] },
      'invalid_client_metadata',
    ],
  ])('refuses to register %s', async (_name, metadata, error) => {
    const res = await register(metadata);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe(error);
  });

  it('registers public clients only, and advertises registration in discovery', async () => {
    const res = await register({ redirect_uris: ['https://app.example/cb', 'http://[::1]:8080/cb'] });
    expect(res.status).toBe(201);
    const client = (await res.json()) as Record<string, unknown>;
    expect(client.token_endpoint_auth_method).toBe('none');
    expect(client.client_secret).toBeUndefined();
    // never used: it is gone in a day
    expect(await daysLeft(String(client.client_id))).toBeCloseTo(1, 1);
    const discovery = (await (await fetch(`${t.baseUrl}/oidc/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(discovery.registration_endpoint).toBe(`${t.baseUrl}/oidc/reg`);
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
  });

  // last: it spends what is left of this address's registrations
  it('limits registrations per address', async () => {
    let res = await register({ redirect_uris: ['https://app.example/cb'] });
    for (let i = 0; i < 10 && res.status !== 429; i++) res = await register({ redirect_uris: ['https://app.example/cb'] });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
