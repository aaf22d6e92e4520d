import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectError, createClient, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { ImageService, RecipeService } from '@yeet/contract';
import { freePort } from '@yeet/db';
import { createTestDatabase, type TestDatabase } from '@yeet/db/testing';
import { loadConfig } from '@yeet/platform';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest';
import demoRecipes from '../../apps/server/src/demo/recipes.json' with { type: 'json' };
import { chromiumPath, launchBrowser, pageTimeoutMs, signUp } from '../support/browser.ts';
import { fixtures } from '../support/images.ts';
import { nginxPath, type RunningNginx, startNginx } from '../support/nginx.ts';
import { oidcFlow } from '../support/oidc.ts';
import { recipeInput } from '../support/recipes.ts';
import {
  localEnv,
  type Placement,
  type Pod,
  type Release,
  renderRelease,
  runJob,
  startPod,
  waitReady,
  type Workload,
} from './cluster.ts';
import { burst, summarize } from './load.ts';

/**
 * The chart's shape, run for real on this machine: the release `helm template` renders
 * (test/topology/values-topology.yaml on the base values) as processes — the migration Job
 * first, then 2 × api, web, worker and img, each `main.ts start --role <role>` with its
 * ConfigMap and Secret — on this run's PostgreSQL (DATABASE_URL's server when set), behind
 * Debian's nginx routing as the rendered Ingress does (test/support/nginx.ts says how, and
 * why reads are retried on another replica and writes are not). Everything listens on and
 * targets 127.0.0.1 only, and everything started is stopped, on failure too.
 */
const pods = new Map<string, Pod>();
let nginx: RunningNginx | undefined;
let browser: Browser | undefined;
let database: TestDatabase;
let dir: string;
let release: Release;
let secret: Record<string, string>;
let ingress: string;
let place: (name: string, port: number) => Placement;
/** The replacement api replica's port: in nginx's upstream from the start, as a rolling update's surge pod. */
let surgePort: number;

/** On an unexpected exit of the test process, nothing it started may outlive it. */
const killAll = () => {
  for (const pod of pods.values()) if (pod.child.exitCode === null && pod.child.signalCode === null) pod.child.kill('SIGKILL');
  nginx?.kill();
};
process.on('exit', killAll);

async function stopPod(pod: Pod): Promise<void> {
  if (pod.child.exitCode !== null || pod.child.signalCode !== null) return;
  pod.child.kill('SIGTERM');
  const stopped = await Promise.race([pod.exited.then(() => true), sleep(15_000).then(() => false)]);
  if (!stopped) {
    pod.child.kill('SIGKILL');
    await pod.exited;
  }
}

/** What to read when a test fails: the end of each pod's log and of nginx's error log. */
function explainFailures(): void {
  onTestFailed(async () => {
    for (const pod of pods.values()) console.error(`--- ${pod.name} (${pod.url})\n${pod.output().slice(-4_000)}`);
    if (nginx) console.error(`--- nginx error.log\n${(await nginx.errorLog()).slice(-4_000)}`);
  });
}

beforeAll(async () => {
  if (!nginxPath) return;
  database = await createTestDatabase(inject('testDatabaseServer'));
  dir = await mkdtemp(path.join(tmpdir(), 'yeet-topology-'));
  const [ingressPort, apiServicePort] = [await freePort(), await freePort()];
  ingress = `http://127.0.0.1:${ingressPort}`;
  // The credentials the chart expects in an existing Secret (secrets.existingSecret, database.url).
  secret = {
    SESSION_SECRET: randomBytes(32).toString('base64'),
    IMGPROXY_KEY: randomBytes(32).toString('hex'),
    IMGPROXY_SALT: randomBytes(32).toString('hex'),
    DATABASE_URL: database.url,
  };
  release = await renderRelease(ingress, secret);
  // The api Service, which the web role reaches at API_URL, is a server of the test's nginx.
  const services = new Map(
    [...release.services].filter(([, r]) => r === 'api').map(([name]) => [name, `http://127.0.0.1:${apiServicePort}`]),
  );
  place = (name, port) => ({
    dir: path.join(dir, 'pods', name),
    claims: (claim) => path.join(dir, 'claims', claim),
    port,
    services,
  });

  // helm's pre-install hook: the migration Job runs to completion before any pod starts.
  const migration = await runJob('migrate', release.migrate, place('migrate', 0));
  expect(migration.code, migration.output).toBe(0);

  const starting: Pod[] = [];
  for (const [role, w] of release.workloads) {
    for (let i = 1; i <= w.replicas; i++) {
      const name = `${role}-${i}`;
      const pod = await startPod(name, w, place(name, await freePort()));
      pods.set(name, pod);
      starting.push(pod);
    }
  }
  surgePort = await freePort();
  const ports = (role: string) => [...pods.values()].filter((p) => p.role === role).map((p) => p.port);
  nginx = await startNginx({
    dir: path.join(dir, 'nginx'),
    upstreams: { api: [...ports('api'), surgePort], web: ports('web'), img: ports('img') },
    servers: [
      { port: ingressPort, routes: release.routes.map((r) => ({ prefix: r.prefix, upstream: r.role })) },
      // The api Service, which the web role reaches at API_URL.
      { port: apiServicePort, routes: [{ prefix: '/', upstream: 'api' }] },
    ],
  });
  await Promise.all(starting.map((pod) => waitReady(pod, workload(pod.role).startupMs)));
  // The worker indexes what the seed published through the job queue: wait until search finds all of it.
  const published = await query<{ n: number }>(database.url, "select count(*)::int as n from recipes where status = 'published'");
  const indexed = async () => {
    const res = await fetch(connectGet('SearchService/SearchRecipes', { skipFacets: true }));
    return ((await res.json()) as { totalSize?: number }).totalSize;
  };
  for (const deadline = Date.now() + 30_000; (await indexed()) !== published[0]?.n; await sleep(250)) {
    if (Date.now() > deadline)
      throw new Error(`search finds ${await indexed()} recipes 30 s after the seed published ${published[0]?.n}`);
  }
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([...pods.values()].map(stopPod));
  await nginx?.stop();
  await database?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
  process.off('exit', killAll);
}, 60_000);

/** A pod by name; the tests only name pods that beforeAll (or the test itself) started. */
function pod(name: string): Pod {
  const found = pods.get(name);
  if (!found) throw new Error(`no pod ${name}`);
  return found;
}
function workload(role: string): Workload {
  const found = release.workloads.get(role);
  if (!found) throw new Error(`the chart renders no ${role} Deployment`);
  return found;
}
const connectGet = (method: string, message: unknown) =>
  `${ingress}/api/yeet.v1.${method}?connect=v1&encoding=json&message=${encodeURIComponent(JSON.stringify(message))}`;

describe.skipIf(!nginxPath)("the chart's topology: one process per pod, behind nginx as the Ingress", () => {
  it('runs the roles the chart renders, each answering the paths the Ingress gives it', async () => {
    explainFailures();
    const replicas = Object.fromEntries([...release.workloads].map(([r, w]) => [r, w.replicas]));
    expect(replicas).toEqual({ web: 1, api: 2, worker: 1, img: 1 });
    expect(release.routes).toEqual([
      { prefix: '/api', role: 'api' },
      { prefix: '/mcp', role: 'api' },
      { prefix: '/.well-known/oauth-protected-resource', role: 'api' },
      { prefix: '/oidc', role: 'api' },
      { prefix: '/uploads', role: 'api' },
      // the RPCs at the standard gRPC path too, one prefix per service (docs/api.md)
      ...[
        'yeet.v1.RecipeService',
        'yeet.v1.SearchService',
        'yeet.v1.ImageService',
        'yeet.v1.UserService',
        'yeet.v1.AuditService',
        'yeet.v1.CollectionService',
        'yeet.v1.ShoppingListService',
        'yeet.v1.MealPlanService',
        'yeet.v1.TelemetryService',
      ]
        .concat(['grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection'])
        .map((service) => ({ prefix: `/${service}`, role: 'api' })),
      { prefix: '/_img', role: 'img' },
      { prefix: '/', role: 'web' },
    ]);
    const answeredBy = async (url: string, init?: RequestInit) => {
      const res = await fetch(url, init);
      await res.arrayBuffer();
      const port = Number(res.headers.get('x-upstream')?.split(':').pop());
      return { status: res.status, role: [...pods.values()].find((p) => p.port === port)?.role };
    };
    expect(await answeredBy(`${ingress}/`)).toEqual({ status: 200, role: 'web' });
    expect(await answeredBy(`${ingress}/search?q=curry`)).toEqual({ status: 200, role: 'web' });
    expect(await answeredBy(connectGet('RecipeService/ListRecipes', { pageSize: 1 }))).toEqual({ status: 200, role: 'api' });
    expect(await answeredBy(`${ingress}/oidc/.well-known/openid-configuration`)).toEqual({ status: 200, role: 'api' });
    const mcp = await answeredBy(`${ingress}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(mcp).toEqual({ status: 200, role: 'api' });
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
      expect(await answeredBy(`${ingress}${path}`)).toEqual({ status: 200, role: 'api' });
    }
    // A prefix is a path segment: /apix is a page (web's 404), not the API.
    expect(await answeredBy(`${ingress}/apix`)).toEqual({ status: 404, role: 'web' });

    // Round robin over both api replicas. The replica that answered is the last address nginx
    // tried: a request that met the stopped surge replica first names it before the one that answered.
    const upstreams = new Set<string | undefined>();
    for (let i = 0; i < 6; i++) {
      const res = await fetch(connectGet('RecipeService/ListRecipes', { pageSize: 1 }));
      await res.arrayBuffer();
      upstreams.add(res.headers.get('x-upstream')?.split(', ').at(-1));
    }
    expect([...upstreams].sort()).toEqual([pod('api-1').url, pod('api-2').url].map((u) => u.replace('http://', '')).sort());
  });

  it('seeds the demo recipes once, although every api replica starts with SEED_DEMO=always', async () => {
    explainFailures();
    expect(workload('api').env.SEED_DEMO).toBe('always');
    const seeded = await query<{ recipes: number; titles: number }>(
      database.url,
      'select count(*)::int as recipes, count(distinct title)::int as titles from recipes',
    );
    expect(seeded).toEqual([{ recipes: demoRecipes.length, titles: demoRecipes.length }]);
  });

  it.skipIf(!chromiumPath)(
    'a visitor becomes an author in a real browser, every request through nginx',
    async () => {
      explainFailures();
      browser = await launchBrowser();
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      page.setDefaultTimeout(pageTimeoutMs);
      const failures: string[] = [];
      page.on('response', (res) => {
        if (res.status() >= 500) failures.push(`${res.status()} ${res.request().method()} ${res.url()}`);
      });
      const main = page.getByRole('main');

      await page.goto(`${ingress}/`);
      await main.getByRole('heading', { name: 'Newest recipes' }).waitFor();
      const box = page.getByRole('combobox', { name: 'Search recipes' });
      // Suggestions only come once the page is hydrated: pressing Enter before that raced it on a busy machine.
      await box.fill('thai gr');
      await page.getByRole('option', { name: /Thai Green Chicken Curry/ }).waitFor();
      await box.fill('chiken');
      await box.press('Enter');
      await page.waitForURL(/\/search\?q=chiken/);
      await main.getByText('Showing results for chicken').waitFor();
      await main.getByRole('link', { name: 'Thai Green Chicken Curry' }).click();
      await page.waitForURL(/\/r\/thai-green-chicken-curry$/);
      await main.getByRole('heading', { level: 1, name: 'Thai Green Chicken Curry' }).waitFor();
      // The cover comes from the img role, which reads what the api role stored on the shared claim.
      const cover = main.getByRole('img', { name: 'Thai Green Chicken Curry, as served' });
      await expect
        .poll(() => cover.evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth), {
          timeout: pageTimeoutMs,
        })
        .toBeGreaterThan(0);

      // Sign up at the built-in issuer (api, /oidc) from the web role's pages; back on the recipe.
      await signUp(page, { name: 'Tess Topology', email: 'tess@example.com', password: 'rolling updates all the way down' });
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New recipe' }).click();
      await page.waitForURL(/\/new$/);
      await page.getByLabel('Title').fill('Roundrobin Risotto');
      await page.getByLabel('Summary').fill('Stirred by several replicas in turn.');
      await page.getByLabel(/^Ingredients/).fill('300 g arborio rice\n1 l vegetable stock\n50 g parmesan');
      await page.getByLabel(/^Method/).fill('Toast the rice.\nAdd the stock a ladle at a time.\nStir in the parmesan.');
      await page.getByRole('button', { name: 'Save draft' }).click();
      await page.waitForURL(/\/r\/roundrobin-risotto\/edit\?created=1/);
      await main.getByText('Draft saved.').waitFor();
      // A photo: PUT /uploads on an api replica, checked by (possibly) the other, shown by img.
      await main
        .getByRole('region', { name: 'Cover photo' })
        .getByLabel(/^Choose a photo/)
        .setInputFiles({ name: 'risotto.jpg', mimeType: 'image/jpeg', buffer: await fixtures.jpeg() });
      await main.getByText('Photo saved.').waitFor();
      const photo = main.getByRole('img', { name: 'Current cover photo of Roundrobin Risotto' });
      await expect
        .poll(() => photo.evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth))
        .toBeGreaterThan(0);

      // Sign out on the web role: every api replica refuses a copy of the old cookie at once.
      const copy = (await context.cookies()).find((c) => c.name === 'yeet_session')!;
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' }).waitFor();
      for (let i = 0; i < 4; i++) {
        const me = await fetch(`${ingress}/api/yeet.v1.UserService/GetMe`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: `yeet_session=${copy.value}` },
          body: '{}',
        });
        expect(((await me.json()) as { code?: string }).code).toBe('unauthenticated');
      }
      expect(failures).toEqual([]);
      await context.close();
    },
    90_000,
  );

  it('keeps every read answered while one api replica drains (SIGTERM) and another is killed (SIGKILL); a write cut off by the kill is all or nothing', async () => {
    explainFailures();
    const [api1, api2] = [pod('api-1'), pod('api-2')];
    const apiConfig = loadConfig(localEnv(workload('api'), place('api-1', api1.port)));
    const tokens = await oidcFlow(ingress, apiConfig, String(secret.SESSION_SECRET)).signUp({
      email: 'wren@example.com',
      password: 'writes are never sent twice',
      displayName: 'Wren Writer',
    });
    const bearer: Interceptor = (next) => (req) => {
      req.header.set('authorization', `Bearer ${tokens.access_token}`);
      return next(req);
    };
    const clientAt = <S extends typeof RecipeService | typeof ImageService>(service: S, baseUrl: string) =>
      createClient(service, createConnectTransport({ baseUrl: `${baseUrl}/api`, httpVersion: '1.1', interceptors: [bearer] }));

    // What the burst reads: published recipes and searches over them, as Connect GETs.
    const listed = (await (await fetch(connectGet('RecipeService/ListRecipes', { pageSize: 30 }))).json()) as {
      recipes: Array<{ slug: string }>;
    };
    const slugs = listed.recipes.map((r) => r.slug);
    expect(slugs.length).toBeGreaterThanOrEqual(20);
    const queries = ['chicken', 'chiken', 'curry', 'pasta', 'soup', 'lemon', 'rice', 'cake', 'salad', 'bread', 'tofu', 'pepper'];
    const next = (i: number) => {
      if (i % 2) {
        const slug = slugs[i % slugs.length] ?? '';
        return {
          url: connectGet('RecipeService/GetRecipe', { slug }),
          check: (body: string) => body.includes(`"slug":"${slug}"`),
        };
      }
      const query = queries[(i / 2) % queries.length] ?? '';
      return {
        url: connectGet('SearchService/SearchRecipes', { query, skipFacets: i % 4 === 0 }),
        check: (b: string) => b.includes('"hits"'),
      };
    };
    const stop = new AbortController();
    const reads = burst({ next, concurrency: 12, maxRequests: 40_000, maxMs: 90_000, stop: stop.signal });
    await sleep(1_000);

    // A rolling update's surge: the replacement replica starts and becomes ready before any old one stops.
    const surge = await startPod('api-3', workload('api'), place('api-3', surgePort));
    pods.set('api-3', surge);
    await waitReady(surge, workload('api').startupMs);
    await sleep(1_500);

    // SIGTERM api-1 with an upload streaming into it: the upload finishes, readiness fails, the process exits 0.
    const images = clientAt(ImageService, ingress);
    const photo = await fixtures.jpeg();
    const target = await images.createUpload({ byteSize: BigInt(photo.length), contentType: 'image/jpeg' });
    const upload = slowPut(
      new URL(new URL(target.url).pathname + new URL(target.url).search, api1.url).href,
      target.headers,
      photo,
    );
    await upload.started;
    const terminated = performance.now();
    api1.child.kill('SIGTERM');
    const readiness = probeUntilExit(api1);
    await sleep(400);
    const uploadStatus = await upload.finish();
    const uploadDone = performance.now();
    const api1Exit = await api1.exited;
    const api1Stopped = performance.now();
    const drainMs = api1Stopped - terminated;
    const probes = await readiness;
    await sleep(1_000);

    // Writes, then SIGKILL api-2 while they are in flight: two writers straight to api-2, two through nginx
    // (which spreads them over api-2 and api-3, and must not replay one that api-2 took).
    const direct = clientAt(RecipeService, api2.url);
    const throughIngress = clientAt(RecipeService, ingress);
    const ingredients = Array.from({ length: 40 }, (_, i) => ({
      quantity: i + 1,
      unit: 'g',
      item: `ingredient ${i + 1}`,
      note: '',
    }));
    /** Each write's title, path and outcome: 'pending', 'ok' or the error. */
    const writes: Array<{ title: string; via: 'api-2' | 'ingress'; outcome: string }> = [];
    let writing = true;
    const writers = (['api-2', 'api-2', 'ingress', 'ingress'] as const).map(async (via, w) => {
      const client = via === 'api-2' ? direct : throughIngress;
      for (let n = 0; writing; n++) {
        const write = { title: `Killswitch Casserole ${w}-${n}`, via, outcome: 'pending' };
        writes.push(write);
        try {
          await client.createRecipe({
            recipe: recipeInput({ title: write.title, ingredientSections: [{ name: '', ingredients }] }),
          });
          write.outcome = 'ok';
        } catch (e) {
          write.outcome = ConnectError.from(e).message;
          return;
        }
      }
    });
    await sleep(500);
    const killed = performance.now();
    api2.child.kill('SIGKILL');
    const api2Exit = await api2.exited;
    writing = false;
    await Promise.all(writers);
    await sleep(2_000);
    stop.abort();
    const samples = await reads;

    // Figures for the report.
    const podAt = (address: string) => [...pods.values()].find((p) => p.url.endsWith(address))?.name ?? address;
    const replicaNames = (header: string | null) => (header ?? 'none').split(', ').map(podAt).join(' → ');
    const figures = {
      whole: summarize(samples),
      drainWindow: summarize(samples, terminated, terminated + drainMs + 1_000),
      killWindow: summarize(samples, killed, killed + 1_000),
      drainMs: Math.round(drainMs),
      exitAfterInFlightDoneMs: Math.round(api1Stopped - uploadDone),
      readinessFailedAfterMs: Math.round((probes.find((p) => p.outcome !== 200)?.at ?? Number.NaN) - terminated),
      probesWhileDraining: countBy(probes.map((p) => String(p.outcome))),
      answeredBy: countBy(samples.map((s) => replicaNames(s.upstream))),
      nginxUpstreamErrors: countBy(
        ((await nginx?.errorLog()) ?? '').split('\n').flatMap((line) => {
          const error = upstreamError(line);
          return error ? [`${podAt(error.upstream)}: ${error.what}`] : [];
        }),
      ),
      writes: countBy(writes.map((w) => `${w.via}: ${w.outcome}`)),
    };
    console.info(`topology figures: ${JSON.stringify(figures, null, 2)}`);

    // Reads: not one lost, through the drain and the kill; the survivor answered after the kill.
    expect(samples.filter((s) => s.error).slice(0, 5)).toEqual([]);
    expect(samples.length).toBeGreaterThan(200);
    const afterKill = samples.filter((s) => s.start > killed + 100);
    expect(afterKill.length).toBeGreaterThan(20);
    // (X-Upstream lists every replica tried; the last one answered.)
    expect(new Set(afterKill.map((s) => s.upstream?.split(', ').at(-1)))).toEqual(new Set([surge.url.replace('http://', '')]));

    // The drain: the request in flight completed, readiness failed from then on, a clean exit.
    expect(uploadStatus).toBe(204);
    expect(api1Exit).toEqual({ code: 0, signal: null });
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.findIndex((p) => p.outcome !== 200)).toBeGreaterThanOrEqual(0);
    expect(probes.slice(probes.findIndex((p) => p.outcome !== 200)).every((p) => p.outcome !== 200)).toBe(true);
    expect(drainMs).toBeLessThan(Number(apiConfig.shutdownTimeoutMs));
    expect(api1.output()).toMatch(/"shutting down"[\s\S]*"stopped"/);

    // The kill: writes were cut off in flight; each either committed whole (recipe, all its
    // ingredients, its creation event) or left nothing, and none was committed twice.
    expect(api2Exit).toEqual({ code: null, signal: 'SIGKILL' });
    const cutOff = writes.filter((w) => w.outcome !== 'ok');
    expect(cutOff.filter((w) => w.via === 'api-2').length).toBeGreaterThan(0);
    for (const w of cutOff) {
      // Straight to api-2: the connection breaks. Through nginx: 502, as nginx does not replay a POST.
      expect(w.outcome).toMatch(w.via === 'api-2' ? /ECONNRESET|ECONNREFUSED|socket hang up|other side closed/ : /HTTP 502/);
    }
    const rows = await query<{ title: string; copies: number; ingredients: number; events: number; actions: string }>(
      database.url,
      `select r.title, count(*) over (partition by r.title)::int as copies,
              jsonb_array_length(r.ingredient_sections -> 0 -> 'ingredients') as ingredients,
              (select count(*) from recipe_events e where e.recipe_id = r.id)::int as events,
              (select string_agg(e.action, ',') from recipe_events e where e.recipe_id = r.id) as actions
         from recipes r where r.title like 'Killswitch Casserole %'`,
    );
    for (const row of rows) expect(row).toMatchObject({ copies: 1, ingredients: 40, events: 1, actions: 'create' });
    const stored = new Set(rows.map((r) => r.title));
    for (const w of writes.filter((w) => w.outcome === 'ok')) expect(stored.has(w.title), w.title).toBe(true);
    const cutOffButCommitted = cutOff.filter((w) => stored.has(w.title)).length;

    console.info(`writes cut off by the kill: ${cutOff.length}, of which committed: ${cutOffButCommitted}`);

    // Nothing was written outside the volumes: the pods would run on a read-only root filesystem.
    for (const pod of pods.values()) {
      const rootDir = path.join(dir, 'pods', pod.name, 'root');
      expect(await readdir(rootDir).catch(() => []), `${pod.name} wrote to its container's root`).toEqual([]);
    }
  }, 180_000);
});

/** A PUT whose first half is sent at once and the rest on `finish()`: a request in flight for as long as the test likes. */
function slowPut(url: string, headers: Record<string, string>, body: Buffer) {
  const half = Math.floor(body.length / 2);
  const req = http.request(url, { method: 'PUT', headers: { ...headers, 'content-length': body.length }, agent: false });
  const response = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  req.write(body.subarray(0, half));
  return {
    // The server has the headers and half the body once the socket has written them.
    started: new Promise<void>((resolve) => req.on('socket', (s) => s.on('connect', () => setTimeout(resolve, 200)))),
    finish: () => {
      req.end(body.subarray(half));
      return response;
    },
  };
}

/** GET /readyz on the pod itself every 25 ms until it exits, as the kubelet's probe would (new connections). */
async function probeUntilExit(pod: Pod): Promise<Array<{ at: number; outcome: number | 'refused' }>> {
  const probes: Array<{ at: number; outcome: number | 'refused' }> = [];
  while (pod.child.exitCode === null && pod.child.signalCode === null) {
    const at = performance.now();
    const outcome = await new Promise<number | 'refused'>((resolve) => {
      const req = http.get(`${pod.url}/readyz`, { agent: false, timeout: 3_000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve('refused'));
      req.on('timeout', () => req.destroy());
    });
    probes.push({ at, outcome });
    await sleep(25);
  }
  return probes;
}

async function query<T>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

/** An [error] line about an upstream: "connect() failed (111: Connection refused) … upstream: "http://127.0.0.1:4321/…"". */
function upstreamError(line: string): { what: string; upstream: string } | null {
  const upstream = /\[error\].* upstream: "http:\/\/([^/"]+)/.exec(line)?.[1];
  if (!upstream) return null;
  const what = /\(\d+: ([^)]+)\)|(upstream prematurely closed connection)|(upstream timed out)/.exec(line);
  return { what: what?.[1] ?? what?.[2] ?? what?.[3] ?? line.replace(/^.*\[error\] [^ ]+ [^ ]+ /, '').slice(0, 80), upstream };
}
