import { randomInt } from 'node:crypto';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import { RecipeService } from '@yeet/contract';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recipeInput } from '../support/recipes.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * Shared rate limits on PostgreSQL (no REDIS_URL): two API replicas on one database count
 * against one quota. TRUST_PROXY lets each test come from an address of its own.
 */
const env = {
  TRUST_PROXY: 'true',
  RATE_LIMIT_EXEMPT: 'none',
  RATE_LIMIT_ANONYMOUS: '10',
  RATE_LIMIT_PERSON: '12',
  MCP_RATE_LIMIT: '2',
};
let a: TestPlatform;
let b: TestPlatform;

beforeAll(async () => {
  a = await startTestPlatform(env);
  b = await startTestPlatform(env, a.database);
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

/**
 * An address no other test in this run has used (TEST-NET-3), so tests never share a quota.
 * Counting from a random start, not drawing at random: nine draws from 254 hosts collide
 * about one run in eight, and a collision spends one test's quota in another.
 */
let host = randomInt(254);
const address = () => `203.0.113.${(host++ % 254) + 1}`;

async function call(
  platform: TestPlatform,
  method: string,
  from: string,
  body: unknown = {},
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${platform.baseUrl}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}
const list = 'yeet.v1.RecipeService/ListRecipes';
const search = 'yeet.v1.SearchService/SearchRecipes';
const getMe = 'yeet.v1.UserService/GetMe';

describe('rate limits shared through PostgreSQL', () => {
  it('two replicas count one quota per address, with RateLimit headers and a 429 in words', async () => {
    const from = address();
    for (let i = 0; i < 10; i++) {
      const res = await call(i % 2 ? b : a, list, from);
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-policy')).toBe('"anonymous";q=10;w=60');
      const [, r, t] = /^"anonymous";r=(\d+);t=(\d+)$/.exec(res.headers.get('ratelimit') ?? '') ?? [];
      expect(Number(r)).toBe(9 - i);
      expect(Number(t)).toBeGreaterThanOrEqual(1);
      expect(Number(t)).toBeLessThanOrEqual(60);
    }
    const refused = await call(b, list, from);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('resource_exhausted');
    expect(refused.body.message).toMatch(
      /^Too many requests from this address: 10 units per minute, where a read costs 1, a search 2 and a write 5\. Try again in \d+ s\.$/,
    );
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit')).toBe(`"anonymous";r=0;t=${retryAfter}`);

    // another address, and a signed-in person at this one, have quotas of their own
    expect((await call(a, list, address())).status).toBe(200);
    const person = await call(a, getMe, from, {}, { 'x-yeet-dev-user': `cook-${randomInt(1e9)}` });
    expect(person.status).toBe(200);
    expect(person.headers.get('ratelimit-policy')).toBe('"person";q=12;w=60');
  });

  it('counts the address the proxy saw, not one the client wrote into X-Forwarded-For', async () => {
    const real = address();
    // the client sends its own X-Forwarded-For, a fresh one each time; the proxy appends the real address
    for (let i = 0; i < 10; i++) expect((await call(a, list, `10.${i}.0.1, ${real}`)).status).toBe(200);
    expect((await call(b, list, `10.99.0.1, ${real}`)).status).toBe(429);
  });

  it('keeps the counters in the database', async () => {
    await call(a, list, address());
    const db = new pg.Client({ connectionString: a.database.url });
    await db.connect();
    try {
      const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from rate_limits where key like 'yeet:rl:%'`);
      expect(rows[0]!.n).toBeGreaterThan(0);
    } finally {
      await db.end();
    }
  });

  it('charges searches and writes more than reads', async () => {
    const from = address();
    const remaining = async (method: string, headers: Record<string, string> = {}, body: unknown = {}) => {
      const res = await call(a, method, from, body, headers);
      return /;r=(\d+);/.exec(res.headers.get('ratelimit') ?? '')?.[1];
    };
    expect(await remaining(search, {}, { query: 'soup' })).toBe('8');
    expect(await remaining(list)).toBe('7');

    const author = { 'x-yeet-dev-user': `author-${randomInt(1e9)}`, 'x-yeet-dev-roles': 'author' };
    expect(await remaining(getMe, author)).toBe('11');
    let limit: string | null = null;
    await createClient(
      RecipeService,
      createConnectTransport({
        baseUrl: `${b.baseUrl}/api`,
        httpVersion: '1.1',
        interceptors: [
          (next) => (req) => {
            for (const [name, value] of Object.entries(author)) req.header.set(name, value);
            return next(req);
          },
        ],
      }),
    ).createRecipe({ recipe: recipeInput() }, { onHeader: (h) => (limit = h.get('ratelimit')) });
    expect(limit).toMatch(/^"person";r=6;t=\d+$/);
  });

  it('refuses a signed-in person over the quota, in words', async () => {
    const cook = { 'x-yeet-dev-user': `busy-${randomInt(1e9)}` };
    for (let i = 0; i < 12; i++) expect((await call(i % 2 ? a : b, getMe, address(), {}, cook)).status).toBe(200);
    const refused = await call(a, getMe, address(), {}, cook);
    expect(refused.status).toBe(429);
    expect(refused.body.message).toMatch(/^Too many requests from your account: 12 units per minute, .* Try again in \d+ s\.$/);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('answers a gRPC caller with resource_exhausted and Retry-After', async () => {
    const from = address();
    const client = createClient(
      RecipeService,
      createGrpcTransport({
        baseUrl: `${a.baseUrl}/api`,
        interceptors: [
          (next) => (req) => {
            req.header.set('x-forwarded-for', from);
            return next(req);
          },
        ],
      }),
    );
    for (let i = 0; i < 10; i++) await client.listRecipes({});
    const error = await client.listRecipes({}).then(
      () => null,
      (e: unknown) => ConnectError.from(e),
    );
    expect(error?.code).toBe(Code.ResourceExhausted);
    expect(error?.rawMessage).toMatch(/^Too many requests from this address/);
    expect(error?.metadata.get('retry-after')).toMatch(/^\d+$/);
    expect(Number(error?.metadata.get('grpc-retry-pushback-ms'))).toBe(Number(error?.metadata.get('retry-after')) * 1000);
    // the RateLimit fields must not travel in trailers (draft-ietf-httpapi-ratelimit-headers §4.1)
    expect(error?.metadata.get('ratelimit')).toBeNull();

    // gRPC-Web from yet another address: the same code, in its protocol
    const web = address();
    const viaWeb = createClient(
      RecipeService,
      createGrpcWebTransport({
        baseUrl: `${b.baseUrl}/api`,
        httpVersion: '1.1',
        interceptors: [
          (next) => (req) => {
            req.header.set('x-forwarded-for', web);
            return next(req);
          },
        ],
      }),
    );
    for (let i = 0; i < 10; i++) await viaWeb.listRecipes({});
    await expect(viaWeb.listRecipes({})).rejects.toMatchObject({ code: Code.ResourceExhausted });
  });

  it('counts MCP tool calls per client across replicas, with the headers', async () => {
    const who = { 'x-yeet-dev-user': `assistant-${randomInt(1e9)}` };
    const tool = async (platform: TestPlatform, id: number) => {
      const res = await fetch(`${platform.baseUrl}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...who },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id,
          method: 'tools/call',
          params: { name: 'search_recipes', arguments: {} },
        }),
      });
      const body = (await res.json()) as { result?: { isError?: boolean; content: Array<{ text: string }> } };
      return { res, result: body.result };
    };
    const first = await tool(a, 1);
    expect(first.result?.isError).toBeFalsy();
    expect(first.res.headers.get('ratelimit-policy')).toBe('"mcp";q=2;w=60');
    expect(first.res.headers.get('ratelimit')).toMatch(/^"mcp";r=1;t=\d+$/);
    expect((await tool(b, 2)).result?.isError).toBeFalsy();
    const third = await tool(a, 3);
    expect(third.result?.isError).toBe(true);
    expect(third.result?.content[0]?.text).toMatch(/Too many calls from you; wait \d+ s/);
    expect(third.res.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('the default exemption', () => {
  let plain: TestPlatform;
  beforeAll(async () => {
    plain = await startTestPlatform({ RATE_LIMIT_ANONYMOUS: '1' });
  });
  afterAll(() => plain?.stop());

  it('does not count anonymous calls from loopback (the web role rendering pages), only people', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${plain.baseUrl}/api/${list}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit')).toBeNull();
    }
    // gRPC over h2c too: its peer address is found through the session
    const grpc = createClient(RecipeService, createGrpcTransport({ baseUrl: `${plain.baseUrl}/api` }));
    for (let i = 0; i < 3; i++) await grpc.listRecipes({});
  });

  it('counts gRPC callers over h2c by their peer address when loopback is not exempt', async () => {
    const strict = await startTestPlatform({ RATE_LIMIT_ANONYMOUS: '2', RATE_LIMIT_EXEMPT: 'none' }, plain.database);
    try {
      const grpc = createClient(RecipeService, createGrpcTransport({ baseUrl: `${strict.baseUrl}/api` }));
      await grpc.listRecipes({});
      await grpc.listRecipes({});
      await expect(grpc.listRecipes({})).rejects.toMatchObject({ code: Code.ResourceExhausted });
    } finally {
      await strict.stop();
    }
  });
});
