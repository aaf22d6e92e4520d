import { create, createFileRegistry, type DescMessage, type DescService } from '@bufbuild/protobuf';
import { FieldDescriptorProto_Label, FieldDescriptorProto_Type, FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { Code, ConnectError, createClient, type HandlerContext } from '@connectrpc/connect';
import { notFound, type Caller } from '@yeet/domain';
import { createMetrics, type Telemetry } from '@yeet/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerOf } from '../../apps/api/src/rpc/context.ts';
import type { IdentityResolver } from '../../apps/api/src/rpc/identity.ts';
import { ownerOf, signedIn } from '../../apps/api/src/rpc/policy.ts';
import { createRpc } from '../../apps/api/src/rpc/router.ts';
import { captureLogs } from '../support/logs.ts';
import { AsyncLocalContextManager } from '../support/otel.ts';

/**
 * The RPC interceptors on a probe service with a unary, a server-streaming and a
 * client-streaming method: streams are identified, authorized, observed and mapped like
 * unary calls, not left out.
 */
const file = create(FileDescriptorProtoSchema, {
  name: 'probe.proto',
  package: 'probe',
  syntax: 'proto3',
  messageType: [
    {
      name: 'Probe',
      field: [
        {
          name: 'id',
          number: 1,
          type: FieldDescriptorProto_Type.STRING,
          label: FieldDescriptorProto_Label.OPTIONAL,
          jsonName: 'id',
        },
      ],
    },
  ],
  service: [
    {
      name: 'ProbeService',
      method: [
        { name: 'Get', inputType: '.probe.Probe', outputType: '.probe.Probe' },
        { name: 'Watch', inputType: '.probe.Probe', outputType: '.probe.Probe', serverStreaming: true },
        { name: 'Upload', inputType: '.probe.Probe', outputType: '.probe.Probe', clientStreaming: true },
      ],
    },
  ],
});
const ProbeService = createFileRegistry(file, () => undefined).getService('probe.ProbeService') as DescService;
type Probe = { id: string };
const probe = (id: string) => create(ProbeService.methods[0]?.input as DescMessage, { id }) as unknown as Probe;

const people: Record<string, Caller> = {
  u1: { kind: 'user', user: { id: 'u1', displayName: 'One' }, roles: ['user'] },
  u2: { kind: 'user', user: { id: 'u2', displayName: 'Two' }, roles: ['user'] },
};
const identity: IdentityResolver = { resolve: async (headers) => people[headers.get('x-user') ?? ''] ?? { kind: 'anonymous' } };
const owners = {
  ownerOf: async (_resource: string, id: string) => (id.startsWith('mine') ? 'u1' : id.startsWith('theirs') ? 'u2' : null),
};

function setup() {
  const { logger, lines } = captureLogs();
  const telemetry: Telemetry = { logger, metrics: createMetrics({ defaultMetrics: false }) };
  const received: string[] = [];
  const impl = {
    async get(req: Probe, ctx: HandlerContext) {
      if (req.id === 'missing') throw notFound('Probe');
      if (req.id === 'crash') throw new Error('the disk is on fire');
      return probe(`${req.id} for ${callerLabel(callerOf(ctx))}`);
    },
    async *watch(req: Probe, ctx: HandlerContext) {
      yield probe(`${req.id}:1`);
      if (req.id.endsWith('boom')) throw new Error('the feed broke');
      // a feed that waits for news until the client goes away
      if (req.id.endsWith('slow')) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      yield probe(`${req.id}:2`);
    },
    async upload(reqs: AsyncIterable<Probe>) {
      for await (const r of reqs) received.push(r.id);
      return probe(received.join(','));
    },
  };
  const rpc = createRpc({
    services: [
      {
        service: ProbeService,
        impl,
        policies: { get: signedIn, watch: ownerOf('recipe', (r: Probe) => r.id), upload: ownerOf('recipe', (r: Probe) => r.id) },
      },
    ],
    identity,
    owners,
    telemetry,
  });
  // The probe service has no generated types: its client is typed by hand.
  const client = createClient(ProbeService, rpc.transport) as unknown as {
    get(req: Probe, o?: object): Promise<Probe>;
    watch(req: Probe, o?: object): AsyncIterable<Probe>;
    upload(reqs: AsyncIterable<Probe>, o?: object): Promise<Probe>;
  };
  const as = (user?: string) => ({ client, options: { headers: user ? { 'x-user': user } : {} } });
  const logs = () => lines;
  const metrics = () => telemetry.metrics.registry.metrics();
  return { as, logs, metrics, received };
}

const callerLabel = (caller: Caller) => (caller.kind === 'user' ? caller.user.id : 'anonymous');
const codeOf = (e: unknown) => Code[ConnectError.from(e).code];
async function* messages(...ids: string[]) {
  for (const id of ids) yield probe(id);
}
async function collect(stream: AsyncIterable<Probe>) {
  const got: string[] = [];
  try {
    for await (const m of stream) got.push(m.id);
  } catch (e) {
    got.push(codeOf(e));
  }
  return got;
}

describe('unary calls', () => {
  it('resolve the caller into the context values, check the policy and map domain errors', async () => {
    const { as, metrics, logs } = setup();
    const { client, options } = as('u1');
    expect((await client.get(probe('x'), options)).id).toBe('x for u1');
    expect(await client.get(probe('missing'), options).catch(codeOf)).toBe('NotFound');
    expect(await as().client.get(probe('x')).catch(codeOf)).toBe('Unauthenticated');
    const text = await metrics();
    expect(text).toMatch(/yeet_rpc_duration_seconds_count\{method="probe.ProbeService\/Get",code="ok"\} 1/);
    expect(text).toMatch(/yeet_rpc_duration_seconds_count\{method="probe.ProbeService\/Get",code="NotFound"\} 1/);
    expect(logs()).toContainEqual(
      expect.objectContaining({ level: 'info', rpc: 'probe.ProbeService/Get', code: 'NotFound', caller: 'u1' }),
    );
  });
});

describe('server-streaming calls', () => {
  it('are authorized on their request and observed until the last message', async () => {
    const { as, metrics } = setup();
    const { client, options } = as('u1');
    expect(await collect(client.watch(probe('mine'), options))).toEqual(['mine:1', 'mine:2']);
    expect(await collect(client.watch(probe('theirs'), options))).toEqual(['PermissionDenied']);
    expect(await collect(as().client.watch(probe('mine')))).toEqual(['Unauthenticated']);
    const text = await metrics();
    expect(text).toMatch(/yeet_rpc_duration_seconds_count\{method="probe.ProbeService\/Watch",code="ok"\} 1/);
    expect(text).toMatch(/yeet_rpc_duration_seconds_count\{method="probe.ProbeService\/Watch",code="PermissionDenied"\} 1/);
  });

  it('whose client goes away are counted as canceled, not left open', async () => {
    const { as, metrics } = setup();
    const { client, options } = as('u1');
    const abort = new AbortController();
    const seen: string[] = [];
    const reading = async () => {
      for await (const m of client.watch(probe('mine-slow'), { ...options, signal: abort.signal })) {
        seen.push(m.id);
        abort.abort();
      }
    };
    await reading().catch(() => {});
    expect(seen).toEqual(['mine-slow:1']);
    await expect.poll(metrics).toMatch(/yeet_rpc_duration_seconds_count\{method="probe.ProbeService\/Watch",code="Canceled"\} 1/);
  });

  it('that fail half-way end with Internal, and the fault is logged once with its cause', async () => {
    const { as, metrics, logs } = setup();
    const { client, options } = as('u1');
    expect(await collect(client.watch(probe('mine-boom'), options))).toEqual(['mine-boom:1', 'Internal']);
    expect(await metrics()).toMatch(/yeet_rpc_duration_seconds_count\{method="probe.ProbeService\/Watch",code="Internal"\} 1/);
    const faults = logs().filter((l) => l.level === 'error');
    expect(faults).toEqual([
      expect.objectContaining({
        rpc: 'probe.ProbeService/Watch',
        caller: 'u1',
        err: expect.objectContaining({ message: expect.stringContaining('the feed broke') }),
      }),
    ]);
  });
});

describe('client-streaming calls', () => {
  it('are authorized on their first message, which the handler still receives', async () => {
    const { as, received } = setup();
    const { client, options } = as('u1');
    expect(await client.upload(messages('theirs', 'mine'), options).catch(codeOf)).toBe('PermissionDenied');
    expect(received).toEqual([]);
    expect((await client.upload(messages('mine', 'more', 'rest'), options)).id).toBe('mine,more,rest');
    expect(await client.upload(messages(), options).catch(codeOf)).toBe('InvalidArgument');
  });
});

describe('an internal error', () => {
  beforeAll(() => context.setGlobalContextManager(new AsyncLocalContextManager()));
  afterAll(() => context.disable());

  it('hides the fault, names the trace the call ran in, and logs the fault with its stack', async () => {
    const { as, logs } = setup();
    const { client, options } = as('u1');
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const parent = trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext({ traceId, spanId: 'b7ad6b7169203331', traceFlags: 1 }));
    const error = await context
      .with(parent, () => client.get(probe('crash'), options))
      .then(
        () => null,
        (e: unknown) => ConnectError.from(e),
      );
    expect(error?.code).toBe(Code.Internal);
    expect(error?.rawMessage).toBe(
      `Something went wrong on our side. Try again. If it keeps failing, report trace id ${traceId}.`,
    );
    expect(logs()).toEqual([
      expect.objectContaining({
        level: 'error',
        trace_id: traceId,
        err: expect.objectContaining({ stack: expect.stringContaining('the disk is on fire') }),
      }),
    ]);
  });
});
