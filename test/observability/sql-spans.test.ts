import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import * as sdk from '@opentelemetry/sdk-trace';
import { connectDatabase, type DatabaseHandle, sql } from '@yeet/db';
import { createTestDatabase, type TestDatabase } from '@yeet/db/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { AsyncLocalContextManager } from '../support/otel.ts';

/**
 * The span of each SQL statement (packages/db/src/trace.ts, decision 0046), through an SDK in
 * this process: what an operator's collector receives for a query inside a traced operation,
 * and that nothing is recorded for one outside.
 */
const exporter = new sdk.InMemorySpanExporter();
const provider = new sdk.TracerProvider({ spanProcessors: [new sdk.SimpleSpanProcessor({ exporter })] });
const tracer = provider.getTracer('test');
let database: TestDatabase;
let handle: DatabaseHandle;

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalContextManager());
  trace.setGlobalTracerProvider(provider);
  database = await createTestDatabase(inject('testDatabaseServer'));
  // As the request pool: statements bounded, so the stall guard is on the connection too.
  handle = connectDatabase(database.url, { queryTimeoutMs: 5_000 });
});
afterAll(async () => {
  await handle?.close();
  await database?.drop();
  trace.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

/** Runs `fn` in a span of its own (as an observed store method does) and returns that span's id. */
async function inSpan(fn: () => Promise<unknown>, options: { sampled?: boolean } = {}): Promise<string> {
  const parent =
    options.sampled === false
      ? trace.setSpanContext(ROOT_CONTEXT, {
          traceId: '0af7651916cd43dd8448eb211c80319c',
          spanId: 'b7ad6b7169203331',
          traceFlags: 0,
        })
      : ROOT_CONTEXT;
  const span = tracer.startSpan('RecipeStore.get', {}, parent);
  await context.with(trace.setSpan(parent, span), fn).catch(() => {});
  span.end();
  return span.spanContext().spanId;
}

const statements = () => exporter.getFinishedSpans().filter((s) => s.attributes['db.system.name'] !== undefined);

describe('SQL spans', () => {
  it('record a statement inside a traced operation as its child, with the query text', async () => {
    const parent = await inSpan(() => sql`select count(*) from recipes where slug = ${'x'}`.execute(handle.db));
    const [span, ...more] = statements();
    expect(more).toEqual([]);
    expect(span?.parentSpanContext?.spanId).toBe(parent);
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.name).toBe(`pg.query:SELECT ${new URL(database.url).pathname.slice(1)}`);
    expect(span?.attributes).toEqual({
      'db.system.name': 'postgresql',
      'db.namespace': new URL(database.url).pathname.slice(1),
      'db.query.text': 'select count(*) from recipes where slug = $1',
      'db.operation.name': 'SELECT',
      'server.address': new URL(database.url).hostname,
      'server.port': Number(new URL(database.url).port || 5432),
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('record pg’s callback form too (pool.query, as the job queue uses it)', async () => {
    const parent = await inSpan(
      () =>
        new Promise((resolve, reject) =>
          handle.pool.query('with one as (select 1) select * from one', [], (err, res) => (err ? reject(err) : resolve(res))),
        ),
    );
    const [span, ...more] = statements();
    expect(more).toEqual([]);
    expect(span?.parentSpanContext?.spanId).toBe(parent);
    expect(span?.attributes['db.operation.name']).toBe('WITH');
    expect(span?.attributes['db.query.text']).toBe('with one as (select 1) select * from one');
  });

  it('mark a failed statement by its SQLSTATE, without its message', async () => {
    await inSpan(() => sql`select * from no_such_table`.execute(handle.db));
    const [span] = statements();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('42P01');
    expect(span?.attributes['db.response.status_code']).toBe('42P01');
    expect(JSON.stringify([span?.attributes, span?.status, span?.events])).not.toContain('does not exist');
  });

  it('record nothing outside a traced operation or under an unsampled one', async () => {
    await sql`select 1`.execute(handle.db);
    await inSpan(() => sql`select 2`.execute(handle.db), { sampled: false });
    expect(statements()).toEqual([]);
  });
});
