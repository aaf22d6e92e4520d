/**
 * An OTLP ExportTraceServiceRequest in protobuf read into the shape of its JSON encoding
 * (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding: ids in hex, 64-bit
 * integers as strings), so that a test reads what either protocol sent the same way. Written
 * from the wire format (https://protobuf.dev/programming-guides/encoding/) and
 * opentelemetry-proto's trace.proto and common.proto, independently of the exporter whose output it reads.
 */

type Field = { field: number; value: bigint | Buffer };

/** The fields of one message, in order. */
function fields(bytes: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  const varint = () => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = bytes[pos++];
      if (byte === undefined) throw new Error('protobuf: a varint runs past the end of the message');
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
      shift += 7n;
    }
  };
  const take = (length: number) => {
    const start = pos;
    pos += length;
    if (pos > bytes.length) throw new Error('protobuf: a field runs past the end of the message');
    return bytes.subarray(start, pos);
  };
  while (pos < bytes.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ field, value: varint() });
    else if (wire === 1) out.push({ field, value: take(8) });
    else if (wire === 5) out.push({ field, value: take(4) });
    else if (wire === 2) out.push({ field, value: take(Number(varint())) });
    else throw new Error(`protobuf: wire type ${wire} is not used by OTLP`);
  }
  return out;
}

type Json = Record<string, unknown>;
type Reader = (value: bigint | Buffer) => unknown;

const string: Reader = (v) => (v as Buffer).toString('utf8');
const hex: Reader = (v) => (v as Buffer).toString('hex');
const uint: Reader = (v) => Number(v);
const int64: Reader = (v) => BigInt.asIntN(64, v as bigint).toString();
const fixed64: Reader = (v) => (v as Buffer).readBigUInt64LE().toString();
const fixed32: Reader = (v) => (v as Buffer).readUInt32LE();
const double: Reader = (v) => (v as Buffer).readDoubleLE();
const bool: Reader = (v) => v !== 0n;

/** A message schema: field number → [JSON name, reader, repeated]. */
type Schema = Record<number, [string, Reader, boolean?]>;

/** `schema` is a thunk so that messages can refer to each other (anyValue ↔ keyValue); it is read once. */
function message(schema: () => Schema): Reader {
  let known: Schema | undefined;
  return (v) => {
    const json: Json = {};
    known ??= schema();
    for (const { field, value } of fields(v as Buffer)) {
      const entry = known[field];
      // A field added to the protocol after these lines were written is skipped, as protobuf readers do.
      if (!entry) continue;
      const [name, read, repeated] = entry;
      if (!repeated) json[name] = read(value);
      else if (Array.isArray(json[name])) json[name].push(read(value));
      else json[name] = [read(value)];
    }
    return json;
  };
}

const anyValue: Reader = message(() => ({
  1: ['stringValue', string],
  2: ['boolValue', bool],
  3: ['intValue', int64],
  4: ['doubleValue', double],
  5: ['arrayValue', message(() => ({ 1: ['values', anyValue, true] }))],
  6: ['kvlistValue', message(() => ({ 1: ['values', keyValue, true] }))],
  7: ['bytesValue', (v) => (v as Buffer).toString('base64')],
}));
const keyValue: Reader = message(() => ({ 1: ['key', string], 2: ['value', anyValue] }));

const span = message(() => ({
  1: ['traceId', hex],
  2: ['spanId', hex],
  3: ['traceState', string],
  4: ['parentSpanId', hex],
  5: ['name', string],
  6: ['kind', uint],
  7: ['startTimeUnixNano', fixed64],
  8: ['endTimeUnixNano', fixed64],
  9: ['attributes', keyValue, true],
  10: ['droppedAttributesCount', uint],
  11: [
    'events',
    message(() => ({
      1: ['timeUnixNano', fixed64],
      2: ['name', string],
      3: ['attributes', keyValue, true],
      4: ['droppedAttributesCount', uint],
    })),
    true,
  ],
  12: ['droppedEventsCount', uint],
  13: [
    'links',
    message(() => ({
      1: ['traceId', hex],
      2: ['spanId', hex],
      3: ['traceState', string],
      4: ['attributes', keyValue, true],
      5: ['droppedAttributesCount', uint],
      6: ['flags', fixed32],
    })),
    true,
  ],
  14: ['droppedLinksCount', uint],
  15: ['status', message(() => ({ 2: ['message', string], 3: ['code', uint] }))],
  16: ['flags', fixed32],
}));

const request = message(() => ({
  1: [
    'resourceSpans',
    message(() => ({
      1: ['resource', message(() => ({ 1: ['attributes', keyValue, true], 2: ['droppedAttributesCount', uint] }))],
      2: [
        'scopeSpans',
        message(() => ({
          1: [
            'scope',
            message(() => ({
              1: ['name', string],
              2: ['version', string],
              3: ['attributes', keyValue, true],
              4: ['droppedAttributesCount', uint],
            })),
          ],
          2: ['spans', span, true],
          3: ['schemaUrl', string],
        })),
        true,
      ],
      3: ['schemaUrl', string],
    })),
    true,
  ],
}));

export interface DecodedTraces {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value: Json }> };
    scopeSpans?: Array<{ scope?: { name?: string; version?: string }; spans?: Json[]; schemaUrl?: string }>;
    schemaUrl?: string;
  }>;
}

/** The request's body (protobuf) in the shape of OTLP JSON. */
export function decodeTraces(body: Uint8Array): DecodedTraces {
  return request(Buffer.from(body.buffer, body.byteOffset, body.byteLength)) as DecodedTraces;
}
