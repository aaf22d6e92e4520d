import http from 'node:http';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport } from '@connectrpc/connect-node';
import { RecipeService } from '@yeet/contract';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admission, type Release } from '../apps/server/src/overload.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { drained } from './support/queue.ts';
import { recipeInput } from './support/recipes.ts';

/**
 * A process at its concurrency limit with a full queue refuses more work at once, with 503
 * and Retry-After, in the caller's terms; probes, metrics and cached pages still answer.
 */
describe('Admission', () => {
  it('admits up to the limit, queues up to the queue, refuses beyond', async () => {
    const admission = new Admission({ concurrency: 2, queue: 1, queueWaitMs: 0 });
    const a = admission.enter();
    const b = admission.enter();
    const c = admission.enter();
    expect(admission.enter()).toBeNull();
    expect([admission.active, admission.queued]).toEqual([2, 1]);
    let cAdmitted = false;
    void c!.admitted.then(() => (cAdmitted = true));
    (await a!.admitted)();
    await Promise.resolve();
    expect(cAdmitted).toBe(true);
    // the slot went to the one waiting: still two in progress, none waiting
    expect([admission.active, admission.queued]).toEqual([2, 0]);
    (await b!.admitted)();
    (await c!.admitted)();
    expect(admission.active).toBe(0);
  });

  it('gives a slot back once, however often released, and forgets a cancelled waiter', async () => {
    const admission = new Admission({ concurrency: 1, queue: 1, queueWaitMs: 0 });
    const release = await admission.enter()!.admitted;
    const waiting = admission.enter()!;
    waiting.cancel();
    expect(admission.queued).toBe(0);
    const next = admission.enter();
    expect(next).not.toBeNull();
    release();
    release();
    const second: Release = await next!.admitted;
    expect(admission.active).toBe(1);
    second();
    expect(admission.active).toBe(0);
  });

  it('refuses a newcomer whose expected wait is too long, however short the queue', async () => {
    let now = 0;
    const admission = new Admission({ concurrency: 2, queue: 100, queueWaitMs: 500 }, undefined, () => now);
    // requests that hold their slot 400 ms each: a place in the queue waits 200 ms per place ahead
    for (let i = 0; i < 2; i++) {
      const release = await admission.enter()!.admitted;
      now += 400;
      release();
    }
    await admission.enter()!.admitted;
    await admission.enter()!.admitted;
    expect(admission.enter()).not.toBeNull(); // 1st in the queue: 200 ms
    expect(admission.enter()).not.toBeNull(); // 2nd: 400 ms
    expect(admission.expectedWaitMs).toBe(600);
    expect(admission.enter()).toBeNull(); // 3rd: 600 ms, over the 500 ms bound
    expect(admission.queued).toBe(2);
  });

  it('runs work in a slot and refuses with OverloadedError when full', async () => {
    const admission = new Admission({ concurrency: 1, queue: 0, queueWaitMs: 0 });
    let finish!: () => void;
    const running = admission.run(() => new Promise<void>((r) => (finish = r)));
    await expect(admission.run(async () => 1)).rejects.toThrow('busy');
    finish();
    await running;
    expect(await admission.run(async () => 2)).toBe(2);
  });
});

describe('a process at its limit', () => {
  let t: TestPlatform;
  let slug: string;
  /** Requests that hold a slot: their bodies never finish arriving. */
  const held: http.ClientRequest[] = [];

  beforeAll(async () => {
    t = await startTestPlatform({
      ROLE: 'all',
      SESSION_SECRET: 'overload-test-session-secret-0123456789',
      HTTP_CONCURRENCY: '1',
      HTTP_QUEUE: '1',
      HTTP_QUEUE_WAIT_MS: '0',
      PAGE_CACHE_TTL_MS: '60000',
    });
    const author = t.recipes('alice', ['author']);
    const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'Busy Bee Pie' }) });
    await author.submitRecipe({ id: recipe!.id });
    await t.recipes('erin', ['editor']).approveRecipe({ id: recipe!.id });
    slug = recipe!.slug;
    // a cached page for visitors, rendered before the rush (once the approval's index job has
    // run: its change notice drops cached pages)
    const db = new pg.Client({ connectionString: t.database.url });
    await db.connect();
    await drained(db);
    await db.end();
    for (let i = 0; i < 50 && (await fetch(`${t.baseUrl}/r/${slug}`)).headers.get('x-page-cache') !== 'hit'; i++) {
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  afterAll(async () => {
    for (const req of held) req.destroy();
    await t?.stop();
  });

  /** A write whose body never finishes: admitted (or queued) in onRequest, it waits for the rest. */
  const hold = async () => {
    const url = new URL(`${t.baseUrl}/api/yeet.v1.RecipeService/CreateRecipe`);
    const req = http.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '1000', 'x-yeet-dev-user': 'alice' },
    });
    req.on('error', () => {});
    req.write('{"recipe":');
    held.push(req);
    await new Promise((r) => setTimeout(r, 150));
    return req;
  };
  const timed = async (url: string, init?: RequestInit) => {
    const started = performance.now();
    const res = await fetch(`${t.baseUrl}${url}`, init);
    const body = await res.text();
    return { res, body, ms: performance.now() - started };
  };

  it('refuses at once with 503 and Retry-After, a page for browsers', async () => {
    expect((await fetch(`${t.baseUrl}/r/${slug}`)).headers.get('x-page-cache')).toBe('hit');
    await hold(); // in progress
    await hold(); // waiting
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const { res, body, ms } = await timed(`/r/${slug}`, { headers: { cookie: 'yeet_session=someone', accept: 'text/html' } });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(body).toContain('Lots of cooks in the kitchen');
      times.push(ms);
    }
    times.sort((a, b) => a - b);
    // the old collapse answered after a 5 s wait; a refusal is immediate (the machine is shared: the median)
    expect(times[5]).toBeLessThan(100);
    expect(times[9]).toBeLessThan(1000);
  });

  it('refuses RPCs as a Connect error `unavailable`, over Connect and gRPC', async () => {
    const connect = createClient(RecipeService, createConnectTransport({ baseUrl: `${t.baseUrl}/api`, httpVersion: '1.1' }));
    const grpc = createClient(RecipeService, createGrpcTransport({ baseUrl: `${t.baseUrl}/api` }));
    for (const client of [connect, grpc]) {
      const error = await client.getRecipe({ key: { case: 'slug', value: slug } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectError);
      expect((error as ConnectError).code).toBe(Code.Unavailable);
      expect((error as ConnectError).rawMessage).toContain('try again');
    }
  });

  it('still answers probes, metrics and the cached page for visitors', async () => {
    expect((await timed('/healthz')).res.status).toBe(200);
    expect((await timed('/readyz')).res.status).toBe(200);
    const cached = await timed(`/r/${slug}`);
    expect(cached.res.status).toBe(200);
    expect(cached.res.headers.get('x-page-cache')).toBe('hit');
    const metrics = await timed('/metrics');
    expect(metrics.body).toMatch(/yeet_http_refused_total\{reason="full"\} [1-9]/);
    expect(metrics.body).toMatch(/yeet_http_in_progress 1/);
    expect(metrics.body).toMatch(/yeet_http_queued 1/);
  });

  it('refuses a visitor page that would have to be rendered', async () => {
    const { res } = await timed('/r/not-cached-yet', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
  });

  it('hands the slot to the request waiting, and serves again once the rush is over', async () => {
    held.shift()!.destroy(); // the one in progress leaves: the waiting one gets its slot
    await new Promise((r) => setTimeout(r, 100));
    // one may wait again now, behind the last holder
    const waiting = fetch(`${t.baseUrl}/healthz`).then(() =>
      fetch(`${t.baseUrl}/r/${slug}`, { headers: { cookie: 'yeet_session=x' } }),
    );
    await new Promise((r) => setTimeout(r, 100));
    held.shift()!.destroy();
    expect((await waiting).status).toBe(200);
    const { res } = await timed(`/r/${slug}`, { headers: { cookie: 'yeet_session=someone' } });
    expect(res.status).toBe(200);
  });
});
