import {
  fromJson,
  ScalarType,
  toBinary,
  type DescField,
  type DescMessage,
  type DescMethod,
  type JsonValue,
} from '@bufbuild/protobuf';
import { connect, type ClientHttp2Session } from 'node:http2';
import { ImageService, RecipeService, SearchService, UserService } from '@yeet/contract';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * Property tests over every RPC method, with request bodies generated from the proto
 * descriptors and then mutated, in Connect JSON and binary and over gRPC: whatever a client
 * sends, the API answers in time, never with a 5xx or a fault code, and with an error a client can act on.
 * `FUZZ_RUNS=1000` for a long run; `FUZZ_SEED=<seed>` replays a failure (the seed is printed).
 */
const runs = Number(process.env.FUZZ_RUNS ?? 25);
const seed = Number(process.env.FUZZ_SEED ?? 20261130);
const requestTimeoutMs = 5_000;
const propertyTimeoutMs = Math.max(60_000, runs * 200);
const methods: DescMethod[] = [RecipeService, SearchService, ImageService, UserService].flatMap((s) => s.methods);

/** The codes a Connect server may answer; `internal`, `unknown`, `data_loss` and `unavailable` are faults. */
const clientCodes = new Set([
  'canceled',
  'invalid_argument',
  'deadline_exceeded',
  'not_found',
  'already_exists',
  'permission_denied',
  'resource_exhausted',
  'failed_precondition',
  'aborted',
  'out_of_range',
  'unimplemented',
  'unauthenticated',
]);

const callers: Array<Record<string, string>> = [
  {},
  { 'x-yeet-dev-user': 'fuzz-author', 'x-yeet-dev-roles': 'author' },
  { 'x-yeet-dev-user': 'fuzz-editor', 'x-yeet-dev-roles': 'editor' },
  { 'x-yeet-dev-user': 'fuzz-admin', 'x-yeet-dev-roles': 'admin' },
];

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String);
const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String);
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', ' ', '\u0000', 'a'.repeat(5000)));

/** One value of a field's element type in proto3 JSON. */
function elementJson(field: DescField, depth: number): fc.Arbitrary<JsonValue> {
  const kind = field.fieldKind === 'list' ? field.listKind : field.fieldKind === 'map' ? field.mapKind : field.fieldKind;
  if (kind === 'enum') return fc.constantFrom(...field.enum!.values.map((v) => v.name));
  if (kind === 'message') return messageJson(field.message!, depth + 1);
  switch (field.scalar) {
    case ScalarType.STRING:
      return text;
    case ScalarType.BOOL:
      return fc.boolean();
    case ScalarType.BYTES:
      return fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('base64'));
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: -3e38, max: 3e38 });
    case ScalarType.INT64:
    case ScalarType.SFIXED64:
    case ScalarType.SINT64:
      return int64;
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return uint64;
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return fc.nat({ max: 2 ** 32 - 1 });
    default:
      return fc.integer();
  }
}

function fieldJson(field: DescField, depth: number): fc.Arbitrary<JsonValue> {
  if (field.fieldKind === 'list') return fc.array(elementJson(field, depth), { maxLength: 4 });
  if (field.fieldKind === 'map') return fc.dictionary(fc.string({ maxLength: 8 }), elementJson(field, depth), { maxKeys: 3 });
  return elementJson(field, depth);
}

/** A valid message in proto3 JSON: any subset of its fields, at most one member per oneof. */
function messageJson(desc: DescMessage, depth = 0): fc.Arbitrary<JsonValue> {
  if (desc.typeName === 'google.protobuf.Timestamp') {
    return fc
      .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
      .map((d) => d.toISOString());
  }
  if (depth > 3) return fc.constant({});
  const fields = desc.fields.filter((f) => !f.oneof);
  const oneofs = desc.oneofs.map((o) =>
    fc.option(fc.oneof(...o.fields.map((f) => fieldJson(f, depth).map((v) => [f.jsonName, v] as const)))),
  );
  return fc
    .tuple(
      fc.record(Object.fromEntries(fields.map((f) => [f.jsonName, fieldJson(f, depth)])), { requiredKeys: [] }),
      fc.tuple(...oneofs),
    )
    .map(([plain, chosen]) => ({ ...plain, ...Object.fromEntries(chosen.filter((c) => c !== null)) }) as JsonValue);
}

interface Body {
  contentType: 'application/json' | 'application/proto';
  bytes: Uint8Array;
}

const json = (value: unknown): Body => ({ contentType: 'application/json', bytes: Buffer.from(JSON.stringify(value)) });
const proto = (bytes: Uint8Array): Body => ({ contentType: 'application/proto', bytes });

/** Valid bodies, valid bodies mutated, and garbage, in both encodings. */
function bodies(method: DescMethod): fc.Arbitrary<Body> {
  const valid = messageJson(method.input);
  const binary = valid.map((v) => toBinary(method.input, fromJson(method.input, v)));
  const mutated = fc.tuple(binary, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat());
  return fc.oneof(
    valid.map(json),
    binary.map(proto),
    // A valid message with a few bytes overwritten and maybe cut short.
    mutated.map(([bytes, edits, cut]) => {
      const copy = Uint8Array.from(bytes);
      for (const [at, value] of edits) if (copy.length) copy[at % copy.length] = value;
      return proto(copy.subarray(0, copy.length ? cut % (copy.length + 1) : 0));
    }),
    fc.uint8Array({ maxLength: 200 }).map(proto),
    // A valid JSON message with one field given a value of any JSON type.
    fc
      .tuple(valid, fc.constantFrom(...method.input.fields.map((f) => f.jsonName), 'unknownField'), fc.jsonValue())
      .map(([v, key, value]) => json({ ...(v as object), [key]: value })),
    fc.jsonValue().map(json),
    fc.string({ unit: 'binary' }).map((s) => ({ contentType: 'application/json' as const, bytes: Buffer.from(s) })),
  );
}

let t: TestPlatform;
let h2: ClientHttp2Session;
let sent = 0;
let faults = 0;
beforeAll(async () => {
  t = await startTestPlatform();
  h2 = connect(t.baseUrl);
});
afterAll(async () => {
  console.log(`rpc fuzz: ${sent} requests, ${faults} answered with a fault, seed ${seed}, ${runs} runs per method`);
  h2?.close();
  await t?.stop();
});

async function send(method: DescMethod, body: Body, headers: Record<string, string>) {
  sent++;
  const res = await fetch(`${t.baseUrl}/api/${method.parent.typeName}/${method.name}`, {
    method: 'POST',
    headers: { 'content-type': body.contentType, ...headers },
    body: body.bytes,
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
  if (res.status >= 500) faults++;
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
}

/** gRPC status codes of a fault: unknown, internal, unavailable, data loss. */
const grpcFaults = new Set(['2', '13', '14', '15']);

/** One gRPC call over HTTP/2 with `message` as its only (length-prefixed) message: the HTTP status and grpc-status. */
function sendGrpc(method: DescMethod, message: Uint8Array, headers: Record<string, string>) {
  sent++;
  const envelope = Buffer.alloc(5 + message.length);
  envelope.writeUInt32BE(message.length, 1);
  envelope.set(message, 5);
  return new Promise<{ status: number; grpcStatus: string; grpcMessage: string }>((resolve, reject) => {
    const stream = h2.request(
      {
        ':method': 'POST',
        ':path': `/api/${method.parent.typeName}/${method.name}`,
        'content-type': 'application/grpc',
        te: 'trailers',
        ...headers,
      },
      { signal: AbortSignal.timeout(requestTimeoutMs) },
    );
    let status = 0;
    let grpc: Record<string, unknown> = {};
    stream.on('response', (h) => {
      status = Number(h[':status']);
      grpc = h;
    });
    stream.on('trailers', (h) => {
      grpc = h;
    });
    stream.on('data', () => {});
    stream.on('error', reject);
    stream.on('end', () => {
      const grpcStatus = String(grpc['grpc-status']);
      if (status >= 500 || grpcFaults.has(grpcStatus)) faults++;
      resolve({ status, grpcStatus, grpcMessage: decodeURIComponent(String(grpc['grpc-message'] ?? '')) });
    });
    stream.end(envelope);
  });
}

/** What must hold of any answer: no fault, and an error a client can read. */
function expectSensible(res: Awaited<ReturnType<typeof send>>, body: Body) {
  const context = `${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status, context).toBeLessThan(500);
  if (res.status === 200) {
    expect(res.contentType).toBe(body.contentType);
    return;
  }
  expect(res.contentType).toBe('application/json');
  const error = JSON.parse(res.text) as { code?: string; message?: string };
  expect(clientCodes, context).toContain(error.code);
  expect(typeof error.message, context).toBe('string');
}

describe('every RPC method, with generated and mutated bodies', () => {
  it.each(methods.map((m) => [`${m.parent.name}/${m.name}`, m] as const))(
    '%s never answers a 5xx, never hangs, always with a Connect error',
    async (_name, method) => {
      await fc.assert(
        fc.asyncProperty(bodies(method), fc.constantFrom(...callers), async (body, headers) => {
          expectSensible(await send(method, body, headers), body);
        }),
        { seed, numRuns: runs, endOnFailure: true },
      );
    },
    propertyTimeoutMs,
  );
});

// A gRPC call takes ~45 ms here whatever it carries, so the methods run side by side.
describe.concurrent('every RPC method over gRPC, with generated and mutated messages', () => {
  it.each(methods.map((m) => [`${m.parent.name}/${m.name}`, m] as const))(
    '%s never answers a fault, never hangs',
    async (_name, method) => {
      const messages = bodies(method).filter((b) => b.contentType === 'application/proto');
      await fc.assert(
        fc.asyncProperty(messages, fc.constantFrom(...callers), async (body, headers) => {
          const res = await sendGrpc(method, body.bytes, headers);
          expect(res.status).toBe(200);
          expect(grpcFaults, `${res.grpcStatus} ${res.grpcMessage}`).not.toContain(res.grpcStatus);
        }),
        { seed, numRuns: runs, endOnFailure: true },
      );
    },
    propertyTimeoutMs,
  );
});

describe('bodies that do not parse', () => {
  // Field 1, length-delimited, with a length of 2^32 - 1 and one byte to go.
  const notAMessage = Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x41]);

  it('binary that is not a message is invalid_argument, not internal', async () => {
    const res = await send(RecipeService.method.listRecipes, proto(notAMessage), {});
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ code: 'invalid_argument' });
  });

  it('a gRPC message that is not a message is invalid_argument, not internal', async () => {
    const res = await sendGrpc(RecipeService.method.listRecipes, notAMessage, {});
    expect(res.grpcStatus).toBe('3');
    expect(res.grpcMessage).toContain('yeet.v1.ListRecipesRequest');
  });

  it('a body over the limit is resource_exhausted, naming the limit', async () => {
    const res = await send(RecipeService.method.getRecipe, json({ slug: 'x'.repeat(2 * 1024 * 1024) }), {});
    expect(res.status).toBe(413);
    const error = JSON.parse(res.text) as { code: string; message: string };
    expect(error.code).toBe('resource_exhausted');
    expect(error.message).toContain('1 MiB');
  });
});
