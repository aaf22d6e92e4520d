import { createHash } from 'node:crypto';
import { create, fromBinary, toBinary, type DescMethod, type DescService, type Message } from '@bufbuild/protobuf';
import { MethodOptions_IdempotencyLevel } from '@bufbuild/protobuf/wkt';
import {
  Code,
  ConnectError,
  createContextKey,
  type HandlerContext,
  type Interceptor,
  type UnaryResponse,
} from '@connectrpc/connect';
import type { StoredRpcError } from '@yeet/db';
import type { IdempotencyRecord, IdempotencyStore } from '../stores/idempotency.store.ts';
import { callerKey } from './context.ts';
import { isClientError } from './errors.ts';
import { mapError } from './observe.ts';

export const idempotencyHeader = 'Idempotency-Key';
/** Set on a response that is the stored outcome of an earlier request with the same key (as Stripe does). */
export const replayedHeader = 'Idempotent-Replayed';

/** How long a retry waits for the first request with its key to finish before it is told to retry. */
const waitForFirstMs = 2000;
const pollMs = 50;
const validKey = /^[\x21-\x7e]{1,255}$/;

export type IdempotencyRecords = Pick<IdempotencyStore, 'claim' | 'find' | 'complete' | 'release'>;

/**
 * Idempotency keys (docs/decisions/0017-idempotency-keys.md): a signed-in caller's write sent
 * with an Idempotency-Key header runs once; a retry with the key gets the first outcome, the
 * response or the error the caller was at fault for. A failure on our side frees the key, so
 * the retry runs again. Methods marked NO_SIDE_EFFECTS, streams and anonymous calls are not
 * affected. It runs after authorization: a refused request claims no key.
 */
export function idempotent(records: IdempotencyRecords): Interceptor {
  return (next) => async (req) => {
    const key = req.header.get(idempotencyHeader);
    const caller = req.contextValues.get(callerKey);
    if (key === null || req.stream || caller.kind !== 'user' || !hasSideEffects(req.method)) return next(req);
    if (!validKey.test(key)) {
      throw new ConnectError(`The ${idempotencyHeader} header must be 1 to 255 visible ASCII characters.`, Code.InvalidArgument);
    }
    const method = `${req.method.parent.typeName}/${req.method.name}`;
    const claim = {
      callerId: caller.user.id,
      key,
      method,
      fingerprint: createHash('sha256').update(method).update('\0').update(toBinary(req.method.input, req.message)).digest(),
    };
    const replay = async (record: IdempotencyRecord) => {
      if (record.method !== method || !record.fingerprint.equals(claim.fingerprint)) {
        throw new ConnectError(
          `${idempotencyHeader} "${key}" was already used for a different request; use a new key for a new request.`,
          Code.InvalidArgument,
        );
      }
      const outcome = record.outcome ?? (await finished(records, claim.callerId, key));
      if (!outcome) {
        throw new ConnectError(
          `The request with ${idempotencyHeader} "${key}" is still running; retry it in a moment.`,
          Code.Aborted,
        );
      }
      if ('error' in outcome) throw restored(outcome.error);
      // The protocol's response headers are reachable only inside the chain: the handler answers with the stored message.
      req.contextValues.set(replayKey, fromBinary(req.method.output, outcome.response));
      const res = await next(req);
      res.header.set(replayedHeader, 'true');
      return res;
    };

    if (!(await records.claim(claim))) {
      const record = await records.find(claim.callerId, key);
      // Swept or released between the claim and the read: the request is new again.
      if (!record) return idempotent(records)(next)(req);
      return replay(record);
    }
    let res: UnaryResponse;
    try {
      res = (await next(req)) as UnaryResponse;
    } catch (error) {
      const mapped = mapError(error);
      if (isClientError(mapped.code)) await records.complete(claim.callerId, key, { error: stored(mapped) });
      else await records.release(claim.callerId, key);
      throw error;
    }
    await records.complete(claim.callerId, key, { response: Buffer.from(toBinary(req.method.output, res.message)) });
    return res;
  };
}

/** The stored response a replayed request answers with, instead of running its handler. */
const replayKey = createContextKey<Message | null>(null, { description: 'the stored response of an idempotency key' });

/**
 * The service's handlers, each answering with the stored response when the idempotency
 * interceptor replays one, and running as usual otherwise.
 */
export function replayable<S extends DescService>(service: S, impl: object): object {
  const handlers = impl as Record<string, (req: unknown, ctx: HandlerContext) => unknown>;
  const wrapped = Object.create(impl) as Record<string, unknown>;
  for (const method of service.methods) {
    const handler = handlers[method.localName];
    if (method.methodKind !== 'unary' || !hasSideEffects(method) || !handler) continue;
    wrapped[method.localName] = (req: unknown, ctx: HandlerContext) => ctx.values.get(replayKey) ?? handler.call(impl, req, ctx);
  }
  return wrapped;
}

/** Whether a method is a write: every method not marked NO_SIDE_EFFECTS in the proto. */
export const hasSideEffects = (method: DescMethod) => method.idempotency !== MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS;

/** Waits, bounded, for the request that claimed the key: near-simultaneous duplicates then all get its outcome. */
async function finished(records: IdempotencyRecords, callerId: string, key: string) {
  const deadline = Date.now() + waitForFirstMs;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    const record = await records.find(callerId, key);
    if (record?.outcome) return record.outcome;
    if (!record) return null;
  }
  return null;
}

function stored(error: ConnectError): StoredRpcError {
  return {
    code: error.code,
    message: error.rawMessage,
    details: error.details.map((d) =>
      'desc' in d
        ? { type: d.desc.typeName, value: Buffer.from(toBinary(d.desc, create(d.desc, d.value))).toString('base64') }
        : { type: d.type, value: Buffer.from(d.value).toString('base64') },
    ),
  };
}

function restored(error: StoredRpcError): ConnectError {
  const e = new ConnectError(error.message, error.code as Code, { [replayedHeader]: 'true' });
  e.details = error.details.map((d) => ({ type: d.type, value: Buffer.from(d.value, 'base64') }));
  return e;
}
