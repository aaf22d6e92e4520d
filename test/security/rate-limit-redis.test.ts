import { randomInt } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from '@yeet/db';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browse, oidcFlow } from '../support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { redisUrl } from '../support/redis.ts';

/**
 * Rate limits with REDIS_URL: shared through Redis when it answers, and when it does not,
 * counted in each process's memory (the insurance limiter) — never a failed request.
 * Addresses are random per run: counters in a real Redis outlive a test run.
 */
const env = { TRUST_PROXY: 'true', RATE_LIMIT_EXEMPT: 'none', RATE_LIMIT_ANONYMOUS: '5' };
const address = () => `198.18.${randomInt(0, 256)}.${randomInt(1, 255)}`;
const list = async (platform: TestPlatform, from: string) => {
  const started = performance.now();
  const res = await fetch(`${platform.baseUrl}/api/yeet.v1.RecipeService/ListRecipes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: '{}',
  });
  await res.arrayBuffer();
  return { status: res.status, limit: res.headers.get('ratelimit'), ms: performance.now() - started };
};

describe.skipIf(!redisUrl)('rate limits shared through Redis', () => {
  let a: TestPlatform;
  let b: TestPlatform;
  let redis: Redis;
  beforeAll(async () => {
    a = await startTestPlatform({ ...env, REDIS_URL: redisUrl! });
    b = await startTestPlatform({ ...env, REDIS_URL: redisUrl! }, a.database);
    redis = new Redis(redisUrl!);
  });
  afterAll(async () => {
    redis?.disconnect();
    await b?.stop();
    await a?.stop();
  });

  it('two replicas count one quota in Redis, not in the database', async () => {
    const from = address();
    for (let i = 0; i < 5; i++)
      expect(await list(i % 2 ? b : a, from)).toMatchObject({
        status: 200,
        limit: expect.stringMatching(`^"anonymous";r=${4 - i};t=\\d+$`),
      });
    expect((await list(b, from)).status).toBe(429);
    expect(await redis.exists(`yeet:rl:anonymous:${from}`)).toBe(1);
    const db = new pg.Client({ connectionString: a.database.url });
    await db.connect();
    try {
      expect((await db.query(`select 1 from rate_limits where key = $1`, [`yeet:rl:anonymous:${from}`])).rowCount).toBe(0);
    } finally {
      await db.end();
    }
  });
});

/** A TCP relay to Redis that the test can cut and restore, on a port that stays the same. */
async function relayTo(target: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const listenPort = await freePort();
  let server: Server | null = null;
  const open = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(port || 6379), hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      }).listen(listenPort, '127.0.0.1', resolve);
    });
  const cut = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server?.close(() => resolve());
    });
  await open();
  return { url: `redis://127.0.0.1:${listenPort}`, cut, restore: open };
}

describe.skipIf(!redisUrl)('rate limits when Redis goes away and comes back', () => {
  let t: TestPlatform;
  let relay: Awaited<ReturnType<typeof relayTo>>;
  let redis: Redis;
  beforeAll(async () => {
    relay = await relayTo(redisUrl!);
    t = await startTestPlatform({ ...env, REDIS_URL: relay.url });
    redis = new Redis(redisUrl!);
  });
  afterAll(async () => {
    redis?.disconnect();
    await t?.stop();
    await relay?.cut();
  });

  it('counts in memory while it is away, never failing a request, and in Redis again once it is back', async () => {
    const before = address();
    expect((await list(t, before)).status).toBe(200);
    expect(await redis.exists(`yeet:rl:anonymous:${before}`)).toBe(1);

    await relay.cut();
    const during = address();
    for (let i = 0; i < 5; i++) {
      const res = await list(t, during);
      expect(res.status).toBe(200);
      expect(res.ms).toBeLessThan(1_000);
    }
    expect((await list(t, during)).status).toBe(429);
    expect(await redis.exists(`yeet:rl:anonymous:${during}`)).toBe(0);

    await relay.restore();
    const after = address();
    await expect
      .poll(
        async () => {
          await list(t, after);
          return redis.exists(`yeet:rl:anonymous:${after}`);
        },
        { timeout: 10_000, interval: 250 },
      )
      .toBe(1);
  });
});

describe('rate limits when the configured Redis is down', () => {
  const sessionSecret = 'redis-down-test-session-secret-0123456789abcdef';
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ ...env, SESSION_SECRET: sessionSecret, REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
  });
  afterAll(() => t?.stop());

  it('count in memory at once (no 500, no wait) and still refuse past the quota', async () => {
    const from = address();
    for (let i = 0; i < 5; i++) {
      const res = await list(t, from);
      expect(res.status).toBe(200);
      expect(res.limit).toMatch(new RegExp(`^"anonymous";r=${4 - i};t=\\d+$`));
      expect(res.ms).toBeLessThan(1_000);
    }
    expect((await list(t, from)).status).toBe(429);
  });

  it('sign-in still works and still backs off', async () => {
    const flow = oidcFlow(t.baseUrl, t.config, sessionSecret);
    await flow.signUp({ email: 'cook@example.com', password: 'a long enough password', displayName: 'Cook' });
    const from = address();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const { jar, page } = await flow.start();
      const path = new URL(page.url, t.baseUrl).pathname;
      const res = await browse(jar, `${t.baseUrl}${path}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': from },
        body: new URLSearchParams({ email: 'cook@example.com', password: `wrong ${i}` }).toString(),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const tokens = await flow.signIn('cook@example.com', 'a long enough password');
    expect(tokens.access_token).toBeTruthy();
  });
});
