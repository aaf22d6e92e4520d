/**
 * What the OpenTelemetry SDK costs per request, apart from everything else a request does:
 * a loop of the spans a GetRecipe records — the RPC (server), RecipeController.get,
 * RecipeStore.get and its one SQL span (decision 0046), with the attributes they carry — through the SDK
 * as apps/server/src/tracing.ts starts it, exported to a receiver in another process. The
 * variants run as child processes taking turns for `--rounds` rounds (a busy neighbour's
 * bursts fall on all of them alike); each prints the CPU time per request of its loop, and
 * the bytes the receiver got per request show that no span was dropped.
 *
 *   npx node bench/tracing-sdk.ts [--requests 10000] [--rounds 5]
 *
 * Variants: off (no SDK: the spans are no-ops), the shape before decision 0021 (an HTTP
 * server span above the RPC's: five spans), the shape now (four), and the latter exported as
 * OTLP JSON instead of protobuf.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';

const child = process.env.BENCH_TRACING_SDK_CHILD;

if (child) {
  // Loaded first, as main.ts does; with an endpoint set it starts the SDK (positional "start").
  if (child !== 'off') await import('../apps/server/src/tracing.ts');
  const { trace, SpanKind } = await import('@opentelemetry/api');
  const tracer = trace.getTracer('eat-or-yeet');
  const method = 'yeet.v1.RecipeService/GetRecipe';
  const http = { 'http.request.method': 'POST', 'url.path': `/api/${method}`, 'http.route': `/api/${method}` };
  // A fresh string each time, as our SQL spans get Kysely's text (packages/db/src/trace.ts).
  let n = 0;
  const sql = () =>
    `select "recipes"."id", "recipes"."slug", "recipes"."title" from "recipes" where "recipes"."slug" = $1 limit ${++n % 100}`;
  const rpc = async (attributes: Record<string, string>) =>
    tracer.startActiveSpan(
      method,
      { kind: SpanKind.SERVER, attributes: { ...attributes, 'rpc.system': 'connect_rpc', 'rpc.method': method } },
      async (server) => {
        await tracer.startActiveSpan(
          'RecipeController.get',
          { attributes: { 'code.layer': 'controller' } },
          async (controller) => {
            await tracer.startActiveSpan('RecipeStore.get', { attributes: { 'code.layer': 'store' } }, async (store) => {
              const query = tracer.startSpan('pg.query:SELECT yeet', {
                kind: SpanKind.CLIENT,
                attributes: {
                  'db.system.name': 'postgresql',
                  'db.namespace': 'yeet',
                  'server.port': 5432,
                  'server.address': '127.0.0.1',
                  'db.operation.name': 'SELECT',
                  'db.query.text': sql(),
                },
              });
              await Promise.resolve();
              query.end();
              store.end();
            });
            controller.end();
          },
        );
        server.setAttribute('http.response.status_code', 200);
        server.end();
      },
    );
  const request =
    child === 'five'
      ? () =>
          tracer.startActiveSpan(`POST /api/${method}`, { kind: SpanKind.SERVER, attributes: http }, async (span) => {
            await rpc({});
            span.setAttribute('http.response.status_code', 200);
            span.end();
          })
      : () => rpc(http);
  const requests = Number(process.env.BENCH_REQUESTS);
  for (let i = 0; i < 2_000; i++) await request(); // warm up (JIT)
  await new Promise((resolve) => setTimeout(resolve, 500));
  const before = process.cpuUsage();
  for (let i = 0; i < requests; i++) {
    await request();
    // Now and then a turn of the event loop, as between requests, so the exports keep up.
    if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const used = process.cpuUsage(before);
  console.log(JSON.stringify({ us: (used.user + used.system) / requests }));
  await (await import('../apps/server/src/tracing.ts')).stopTracing();
  process.exit(0);
} else {
  const { values: args } = parseArgs({
    options: { requests: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '5' } },
  });
  const requests = Number(args.requests);
  const root = path.resolve(import.meta.dirname, '..');
  const { table } = await import('./stats.ts');
  const receiver = spawn(process.execPath, [path.join(root, 'bench/tracing.ts')], {
    env: { ...process.env, BENCH_TRACING_CHILD: 'receiver' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.once('exit', () => receiver.kill('SIGTERM'));
  const collector = await new Promise<string>((resolve) =>
    receiver.stdout.on('data', (d: Buffer) => {
      const port = /receiver on (\d+)/.exec(String(d))?.[1];
      if (port) resolve(`http://127.0.0.1:${port}`);
    }),
  );
  // The receiver counts bytes per first path segment (bench/tracing.ts); every variant here
  // exports to /v1/traces, so the total is what matters.
  const receivedBytes = async () =>
    Object.values((await (await fetch(collector)).json()) as Record<string, number>).reduce((sum, n) => sum + n, 0);
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
  const variants = {
    off: { label: 'off (no SDK)', env: {} },
    five: { label: 'before: HTTP span + RPC span (5 spans)', env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector } },
    four: { label: 'now: the RPC is its request span (4)', env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector } },
    json: {
      label: 'now, exported as OTLP JSON',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
    },
  } as const;
  type Variant = keyof typeof variants;
  const results: Record<Variant, { us: number[]; bytes: number[] }> = {
    off: { us: [], bytes: [] },
    five: { us: [], bytes: [] },
    four: { us: [], bytes: [] },
    json: { us: [], bytes: [] },
  };
  for (let round = 0; round < Number(args.rounds); round++) {
    console.error(`round ${round + 1} of ${args.rounds}`);
    for (const variant of Object.keys(variants) as Variant[]) {
      const bytesBefore = await receivedBytes();
      const proc = spawn(process.execPath, [path.join(root, 'bench/tracing-sdk.ts'), 'start'], {
        env: { ...inherited, ...variants[variant].env, BENCH_TRACING_SDK_CHILD: variant, BENCH_REQUESTS: String(requests) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      proc.stdout.on('data', (d: Buffer) => (out += d));
      const code = await new Promise((resolve) => proc.once('exit', resolve));
      if (code !== 0) throw new Error(`the ${variant} run exited (${code})`);
      results[variant].us.push((JSON.parse(out.trim().split('\n').at(-1)!) as { us: number }).us);
      results[variant].bytes.push((await receivedBytes()) - bytesBefore);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const off = median(results.off.us);
  console.log(`\nTracing SDK alone — the spans of ${requests} GetRecipes per run, median of ${args.rounds} rounds`);
  console.log(
    table(
      ['', 'CPU µs/request', 'SDK µs/request', 'bytes exported/request'],
      (Object.keys(variants) as Variant[]).map((variant) => [
        variants[variant].label,
        median(results[variant].us).toFixed(1),
        (median(results[variant].us) - off).toFixed(1),
        // Warm-up requests export too.
        (median(results[variant].bytes) / (requests + 2_000)).toFixed(0),
      ]),
    ),
  );
  for (const variant of Object.keys(variants) as Variant[]) {
    console.log(`${variant}: µs ${results[variant].us.map((x) => x.toFixed(1)).join(',')}`);
  }
}
