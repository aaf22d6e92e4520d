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
const validKey = /^[\x21-\x7e]{1,255}$/;

export type IdempotencyRecords = Pick<IdempotencyStore, 'claim' | 'find' | 'complete'>;

/** Where a keyed request runs: `DataAccess` (apps/api/src/stores/database.ts). */
export interface IdempotentData {
  /** One transaction for the whole request, joined by every store and transaction used inside it. */
  unitOfWork<T>(work: (stores: { idempotency: IdempotencyRecords }) => Promise<T>): Promise<T>;
  /** Inside a unit of work, a savepoint: a throw undoes only what `work` did. */
  transaction<T>(work: (stores: { idempotency: IdempotencyRecords }) => Promise<T>): Promise<T>;
}

type Ran =
  | { kind: 'answered'; res: UnaryResponse }
  | { kind: 'refused'; error: unknown }
  | { kind: 'duplicate'; record: IdempotencyRecord | null };

/**
 * Idempotency keys (docs/decisions/0017-idempotency-keys.md): a signed-in caller's write sent
 * with an Idempotency-Key header runs once; a retry with the key gets the first outcome, the
 * response or the error the caller was at fault for. A failure on our side frees the key, so
 * the retry runs again. Methods marked NO_SIDE_EFFECTS, streams and anonymous calls are not
 * affected. It runs after authorization: a refused request claims no key.
 *
 * The claim, the write and its outcome are one transaction (docs/decisions/0025-atomic-idempotency.md):
 * they commit together or not at all, so a process killed mid-request leaves either the
 * outcome (the retry gets it) or nothing (the retry runs), never a write without its outcome.
 */
export function idempotent(data: IdempotentData): Interceptor {
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
    const stillRunning = () =>
      new ConnectError(`The request with ${idempotencyHeader} "${key}" is still running; retry it in a moment.`, Code.Aborted);

    let ran: Ran;
    try {
      ran = await data.unitOfWork(async ({ idempotency: records }): Promise<Ran> => {
        // Waits (bounded) for a parallel request with the key to commit or roll back.
        if (!(await records.claim(claim, waitForFirstMs))) {
          return { kind: 'duplicate', record: await records.find(claim.callerId, key) };
        }
        try {
          const res = (await data.transaction(() => next(req))) as UnaryResponse;
          await records.complete(claim.callerId, key, { response: Buffer.from(toBinary(req.method.output, res.message)) });
          return { kind: 'answered', res };
        } catch (error) {
          const mapped = mapError(error);
          // A failure on our side rolls everything back, the claim too: the retry runs again.
          if (!isClientError(mapped.code)) throw error;
          // The caller's mistake: the savepoint undid the handler's writes; its error is the outcome.
          await records.complete(claim.callerId, key, { error: stored(mapped) });
          return { kind: 'refused', error };
        }
      });
    } catch (error) {
      if (isLockTimeout(error)) throw stillRunning();
      throw error;
    }
    if (ran.kind === 'answered') return ran.res;
    if (ran.kind === 'refused') throw ran.error;

    const record = ran.record;
    // Swept or deleted (with its caller's account) between the claim and the read: the request is new again.
    if (!record) return idempotent(data)(next)(req);
    if (record.method !== method || !record.fingerprint.equals(claim.fingerprint)) {
      throw new ConnectError(
        `${idempotencyHeader} "${key}" was already used for a different request; use a new key for a new request.`,
        Code.InvalidArgument,
      );
    }
    if (!record.outcome) throw stillRunning();
    if ('error' in record.outcome) throw restored(record.outcome.error);
    // The protocol's response headers are reachable only inside the chain: the handler answers with the stored message.
    req.contextValues.set(replayKey, fromBinary(req.method.output, record.outcome.response));
    const res = await next(req);
    res.header.set(replayedHeader, 'true');
    return res;
  };
}

/** PostgreSQL's lock_not_available: the claim waited longer than its bound for a parallel request. */
const isLockTimeout = (error: unknown) =>
  error instanceof Error && 'code' in error && (error as { code: unknown }).code === '55P03';

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
