import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { freePort } from '@yeet/db';
import { createTestDatabase, type TestDatabase } from '@yeet/db/testing';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chromiumPath, launchBrowser, pageTimeoutMs, signUp } from '../support/browser.ts';
import { recipeInput } from '../support/recipes.ts';
import { decodeTraces } from '../support/otlp.ts';
import { eventually } from '../support/queue.ts';

/**
 * Traces as an operator's collector receives them: the platform runs as `yeet start --role
 * all` in its own process (the SDK is process-wide and must start before pg and http are
 * loaded), configured only by OTEL_* variables, exporting OTLP/HTTP to a receiver here:
 * protobuf, the default protocol, and JSON in the sampling test.
 * Each request carries a W3C traceparent, as a browser with tracing would send it, so the
 * spans of one request are told apart by its trace id.
 */
const root = path.resolve(import.meta.dirname, '../..');
const main = path.join(root, 'apps/server/src/main.ts');

interface KeyValue {
  key: string;
  value: { stringValue?: string; intValue?: string | number; boolValue?: boolean };
}
interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: KeyValue[];
  scope: string;
  service: string;
}
const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

const attribute = (span: Span, key: string) => {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  // int64 is a string in the JSON mapping test/support/otlp.ts follows, a number from the SDK's JSON exporter.
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue)) ?? value?.boolValue;
};

let receiver: Server;
const spans: Span[] = [];
let database: TestDatabase;
let platform: TracedPlatform;
let url: string;
let collector: string;

interface TracedPlatform {
  url: string;
  output: () => string;
  /** Stops it; the SDK sends the spans it still holds on the way out. */
  stop: () => Promise<void>;
}

/** `yeet start --role <role>` on the test's database, exporting OTLP/HTTP (protobuf unless `env` says) to the receiver here. */
async function startTraced(role: string, env: Record<string, string> = {}): Promise<TracedPlatform> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
  const child: ChildProcess = spawn(process.execPath, [main, 'start', '--role', role], {
    cwd: root,
    env: {
      ...inherited,
      DATABASE_URL: database.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: base,
      DEV_AUTH: 'true',
      SEED_DEMO: 'never',
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logged = '';
  child.stdout?.on('data', (d) => (logged += d));
  child.stderr?.on('data', (d) => (logged += d));
  const ready = await eventually(async () => logged.includes('Eat or Yeet is ready') || child.exitCode !== null, 60_000, 100);
  if (!ready || child.exitCode !== null) throw new Error(`the platform did not start:\n${logged}`);
  return {
    url: base,
    output: () => logged,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = Buffer.concat(chunks);
        const message = (req.headers['content-type'] === 'application/json' ? JSON.parse(String(body)) : decodeTraces(body)) as {
          resourceSpans: Array<{
            resource: { attributes: KeyValue[] };
            scopeSpans: Array<{ scope: { name: string }; spans: Omit<Span, 'scope' | 'service'>[] }>;
          }>;
        };
        for (const { resource, scopeSpans } of message.resourceSpans) {
          const service = String(resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue);
          for (const { scope, spans: batch } of scopeSpans) {
            for (const span of batch) spans.push({ ...span, scope: scope.name, service });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  collector = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  database = await createTestDatabase(inject('testDatabaseServer'));
  platform = await startTraced('all');
  url = platform.url;
});

afterAll(async () => {
  await platform?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
  await database?.drop();
});

/** A fresh trace, as the W3C traceparent a browser would send, with the id of its (remote) parent span. */
function newTrace() {
  const traceId = randomBytes(16).toString('hex');
  const parentId = randomBytes(8).toString('hex');
  return { traceId, parentId, traceparent: `00-${traceId}-${parentId}-01` };
}

async function rpc<T>(
  method: string,
  message: unknown,
  options: { user?: string; roles?: string[]; traceparent?: string; base?: string } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.user) headers['x-yeet-dev-user'] = options.user;
  if (options.roles) headers['x-yeet-dev-roles'] = options.roles.join(',');
  if (options.traceparent) headers.traceparent = options.traceparent;
  const res = await fetch(`${options.base ?? url}/api/yeet.v1.${method}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(message),
  });
  return { status: res.status, body: (await res.json()) as T };
}

const inTrace = (traceId: string) => spans.filter((s) => s.traceId === traceId);

/** The span's chain of parents within the trace, nearest first. */
function ancestors(span: Span): Span[] {
  const chain: Span[] = [];
  for (let s: Span | undefined = span; s?.parentSpanId; ) {
    s = spans.find((p) => p.traceId === span.traceId && p.spanId === s!.parentSpanId);
    if (s) chain.push(s);
  }
  return chain;
}

/** Waits until the trace holds a span matching `match`, and returns it. */
async function spanOf(traceId: string, description: string, match: (s: Span) => boolean): Promise<Span> {
  await eventually(async () => inTrace(traceId).some(match), 15_000, 50);
  const found = inTrace(traceId).find(match);
  if (!found) {
    const seen = inTrace(traceId).map((s) => `${s.scope}: ${s.name}`);
    throw new Error(`no ${description} in trace ${traceId}; it has:\n${seen.join('\n')}`);
  }
  return found;
}

/** The span of an incoming HTTP request (the HTTP server's, apps/server/src/http-server.ts; an RPC's request is the RPC's span). */
const isHttpServer = (s: Span) => s.kind === SERVER && attribute(s, 'http.request.method') !== undefined;
const statement = (s: Span) => String(attribute(s, 'db.query.text') ?? attribute(s, 'db.statement') ?? '');
/** A SQL statement's span (packages/db/src/trace.ts): a client span with the query text. */
const isPg = (s: Span) => s.kind === CLIENT && attribute(s, 'db.system.name') === 'postgresql' && statement(s) !== '';
/** The search index's SQL, run by the index job. */
const isIndexSql = (s: Span) =>
  isPg(s) && statement(s).includes('search_documents') && ancestors(s).some((a) => a.name === 'search.index');

describe('traces', () => {
  let slug = '';
  let id = '';

  it('follow one recipe approval from the request through the API, PostgreSQL and the job queue to the search index SQL', async () => {
    const created = await rpc<{ recipe: { id: string } }>(
      'RecipeService/CreateRecipe',
      { recipe: recipeInput({ title: 'Traced Tomato Soup' }) },
      { user: 'alice', roles: ['author'] },
    );
    expect(created.status).toBe(200);
    id = created.body.recipe.id;
    expect((await rpc('RecipeService/SubmitRecipe', { id }, { user: 'alice', roles: ['author'] })).status).toBe(200);

    const { traceId, parentId, traceparent } = newTrace();
    const approved = await rpc<{ recipe: { slug: string } }>(
      'RecipeService/ApproveRecipe',
      { id },
      { user: 'erin', roles: ['editor'], traceparent },
    );
    expect(approved.status).toBe(200);
    slug = approved.body.recipe.slug;

    // The worker's index SQL, in the same trace as the approval.
    const indexSql = await spanOf(traceId, 'search index SQL in the job', isIndexSql);
    const chain = ancestors(indexSql);
    const job = chain.find((s) => s.name === 'search.index');
    expect(job?.kind).toBe(CONSUMER);
    expect(attribute(job!, 'messaging.system')).toBe('graphile_worker');
    const rpcSpan = chain.find((s) => s.name === 'yeet.v1.RecipeService/ApproveRecipe');
    expect(rpcSpan?.kind).toBe(SERVER);
    // The job is a child of the write that enqueued it, inside the approval's RPC.
    const enqueuedBy = ancestors(job!);
    expect(enqueuedBy[0]?.name).toBe('JobStore.reindexRecipe');
    expect(enqueuedBy).toContain(rpcSpan);
    // The RPC's span is its HTTP request's (one server span with the attributes of both), a child of the caller's span from the traceparent.
    expect(isHttpServer(rpcSpan!)).toBe(true);
    expect(attribute(rpcSpan!, 'http.route')).toBe('/api/yeet.v1.RecipeService/ApproveRecipe');
    expect(attribute(rpcSpan!, 'http.response.status_code')).toBe(200);
    expect(attribute(rpcSpan!, 'rpc.method')).toBe('yeet.v1.RecipeService/ApproveRecipe');
    expect(rpcSpan?.parentSpanId).toBe(parentId);
    expect(rpcSpan?.service).toBe('eat-or-yeet-all');

    // Controller → store → PostgreSQL, under the RPC.
    const below = (ancestor: Span) => inTrace(traceId).filter((s) => ancestors(s).includes(ancestor));
    const controller = below(rpcSpan!).find((s) => attribute(s, 'code.layer') === 'controller');
    expect(controller?.name).toMatch(/^RecipeController\./);
    const store = below(controller!).find((s) => attribute(s, 'code.layer') === 'store');
    expect(store).toBeDefined();
    const sql = below(store!).find(isPg);
    expect(sql?.name).toMatch(/^pg\.query:[A-Z]+ /);
    expect(attribute(sql!, 'db.namespace')).toBe(new URL(database.url).pathname.slice(1));
    expect(attribute(sql!, 'db.operation.name')).toBe(sql?.name.split(/[: ]/)[1]);
    expect(attribute(sql!, 'server.address')).toBe(new URL(database.url).hostname);
    expect(Number(attribute(sql!, 'server.port'))).toBe(Number(new URL(database.url).port || 5432));
    // Only statements inside a traced operation: never a trace of its own (the job queue's polling).
    expect(spans.filter(isPg).every((s) => s.parentSpanId)).toBe(true);
  });

  it('cross from a server-rendered page to the API it calls', async () => {
    expect(slug).not.toBe('');
    const { traceId, parentId, traceparent } = newTrace();
    const page = await fetch(`${url}/r/${slug}`, { headers: { traceparent, accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Traced Tomato Soup');
    // The page names its trace and span where devtools show it (Server-Timing).
    const timing = /traceparent;desc="00-([0-9a-f]{32})-([0-9a-f]{16})-01"/.exec(page.headers.get('server-timing') ?? '');
    expect(timing?.[1]).toBe(traceId);

    const getRecipe = await spanOf(traceId, 'GetRecipe RPC', (s) => s.name === 'yeet.v1.RecipeService/GetRecipe');
    // The page's request span ends once its response is written (compressed after rendering),
    // so it may come in a later export than the RPC's.
    const pageSpan = await spanOf(
      traceId,
      'the page request',
      (s) => isHttpServer(s) && attribute(s, 'url.path') === `/r/${slug}`,
    );
    const chain = ancestors(getRecipe);
    // `--role all` calls the API in memory (decision 0020): no fetch between page and RPC.
    expect(chain.some((s) => s.scope.includes('instrumentation-undici'))).toBe(false);
    expect(chain).toContain(pageSpan);
    expect(pageSpan.parentSpanId).toBe(parentId);
    expect(pageSpan.name).toBe('GET /*');
    expect(pageSpan.spanId).toBe(timing?.[2]);
  });

  it('put the trace and span id on every log line written inside a request', async () => {
    const { traceId, traceparent } = newTrace();
    const missing = await rpc('RecipeService/GetRecipe', { slug: 'no-such-recipe' }, { traceparent });
    expect(missing.status).toBe(404);
    const lines = () =>
      platform
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.trace_id === traceId);
    // The RPC's line, and the request's line once the response is sent (a 404 is logged at info).
    await eventually(async () => lines().length >= 2, 5_000);
    const line = lines().find((l) => l.rpc !== undefined);
    expect(line).toMatchObject({ rpc: 'yeet.v1.RecipeService/GetRecipe', code: 'NotFound' });
    expect(line?.span_id).toMatch(/^[0-9a-f]{16}$/);
    const rpcSpan = await spanOf(traceId, 'GetRecipe RPC', (s) => s.name === 'yeet.v1.RecipeService/GetRecipe');
    expect(line?.span_id).toBe(rpcSpan.spanId);
    const request = lines().find((l) => l.msg === 'request');
    // The request's line is written in its span, which the RPC took over.
    expect(request).toMatchObject({ status: 404, span_id: rpcSpan.spanId });
  });

  it('name the trace id in the message of an internal error, and in its log line', async () => {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    // A fault nobody mapped: the table a history read needs is gone.
    await admin.query('alter table recipe_events rename to recipe_events_gone');
    try {
      const { traceId, traceparent } = newTrace();
      const failed = await rpc<{ code: string; message: string }>(
        'RecipeService/GetRecipeHistory',
        { id },
        { user: 'erin', roles: ['editor'], traceparent },
      );
      expect(failed.body.code).toBe('internal');
      expect(failed.body.message).toContain(`report trace id ${traceId}`);
      await eventually(async () => platform.output().includes(`"trace_id":"${traceId}"`), 5_000);
      const logged = platform
        .output()
        .split('\n')
        .find((l) => l.includes(`"trace_id":"${traceId}"`) && l.includes('"level":"error"'));
      expect(logged).toContain('recipe_events');
    } finally {
      await admin.query('alter table recipe_events_gone rename to recipe_events');
      await admin.end();
    }
  });
});

describe.skipIf(!chromiumPath)('traces from a browser', () => {
  let browser: Browser | undefined;
  afterAll(async () => browser?.close());

  it('make one trace of a click on Approve, from the id the browser sent to the search index SQL', async () => {
    browser = await launchBrowser();
    const editor = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    editor.setDefaultTimeout(pageTimeoutMs);
    await editor.goto(`${url}/`);
    // The first person to sign up is the admin, and so an editor (the dev-header users are not people).
    await signUp(editor, { name: 'Bea Browser', email: 'bea@example.com', password: 'a long and careful passphrase' });
    const title = 'Clicked Carrot Soup';
    const author = { user: 'alice', roles: ['author'] };
    const created = await rpc<{ recipe: { id: string } }>(
      'RecipeService/CreateRecipe',
      { recipe: recipeInput({ title }) },
      author,
    );
    expect((await rpc('RecipeService/SubmitRecipe', { id: created.body.recipe.id }, author)).status).toBe(200);

    await editor.goto(`${url}/review`);
    // The page's own trace, where devtools show it (Network → Timing: Server-Timing).
    const pageTrace = await editor.evaluate<string | undefined>(
      "performance.getEntriesByType('navigation')[0]?.serverTiming.find((e) => e.name === 'traceparent')?.description",
    );
    const [, pageTraceId, pageSpanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(pageTrace ?? '') ?? [];
    const pageSpan = await spanOf(pageTraceId ?? '', 'the review page', (s) => s.spanId === pageSpanId);
    expect(attribute(pageSpan, 'url.path')).toBe('/review');

    await editor.getByRole('main').getByRole('link', { name: title }).click();
    const approval = editor.waitForRequest((r) => r.url().endsWith('/yeet.v1.RecipeService/ApproveRecipe'));
    await editor.getByRole('main').getByRole('button', { name: 'Approve and publish' }).click();
    const sent = (await (await approval).allHeaders()).traceparent;
    await editor.getByRole('main').getByText('Approved: the recipe is published.').waitFor();

    // A trace of its own, and no sampling asked of the server: the browser records nothing itself.
    const [, traceId, browserSpanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-00$/.exec(sent ?? '') ?? [];
    expect(traceId, `traceparent sent: ${sent}`).toBeDefined();
    expect(traceId).not.toBe(pageTraceId);
    const chain = ancestors(await spanOf(traceId!, 'search index SQL in the job', isIndexSql));
    const rpcSpan = chain.find((s) => s.name === 'yeet.v1.RecipeService/ApproveRecipe');
    expect(rpcSpan?.parentSpanId).toBe(browserSpanId);
    expect(chain.find((s) => s.name === 'search.index')?.kind).toBe(CONSUMER);
    expect(chain.at(-1)).toBe(rpcSpan);
  }, 120_000);
});

describe('sampling', () => {
  it("keeps to the configured ratio whatever a caller's sampled flag asks", async () => {
    const api = await startTraced('api', {
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.5',
      OTEL_SERVICE_NAME: 'sampling-test',
      // The other OTLP/HTTP protocol, so that both are read as an operator may choose them.
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    // The ratio sampler keeps a trace when the XOR of its id's four 32-bit words is under
    // ratio × 2³²: ids made to fall on either side of one half.
    const word = randomBytes(4).toString('hex');
    const refused = `${word}${word}00000000fffffffe`;
    const kept = `${word}${word}0000000000000001`;
    const parent = randomBytes(8).toString('hex');
    try {
      // "01": a caller that says it records, asking the server to record too.
      await rpc(
        'RecipeService/GetRecipe',
        { slug: 'no-such-recipe' },
        { base: api.url, traceparent: `00-${refused}-${parent}-01` },
      );
      // "00": a caller that records nothing (as the browser), which does not stop the server's own sampling either.
      await rpc('RecipeService/GetRecipe', { slug: 'no-such-recipe' }, { base: api.url, traceparent: `00-${kept}-${parent}-00` });
    } finally {
      await api.stop(); // sends every span it recorded
    }
    expect(inTrace(kept).map((s) => s.name)).toContain('yeet.v1.RecipeService/GetRecipe');
    expect(inTrace(kept).every((s) => s.service === 'sampling-test')).toBe(true);
    expect(inTrace(refused)).toEqual([]);
  }, 90_000);
});
