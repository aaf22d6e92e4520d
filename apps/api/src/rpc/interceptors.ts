import type { DescMethod } from '@bufbuild/protobuf';
import { Code, ConnectError, type Interceptor, type StreamRequest, type StreamResponse } from '@connectrpc/connect';
import { invalidField, type Caller } from '@yeet/domain';
import type { Telemetry } from '@yeet/platform';
import { enforce } from './authorize.ts';
import { callLocale, localError } from './german.ts';
import { callerKey } from './context.ts';
import type { IdentityResolver } from './identity.ts';
import { observeEdge, type EdgeCall } from './observe.ts';
import type { OwnerResolver, Policy } from './policy.ts';

/**
 * What every RPC goes through, outermost first: observation (a span, the RPC histogram, the
 * log line of a failure, and every error mapped to the Connect error the caller sees), then
 * identity (the caller, into the context values), then the rate limit (calls over HTTP), then
 * the method's policy. Handlers contain
 * none of this. Streaming calls are observed until their last message and authorized on
 * their first.
 */
export function rpcInterceptors(deps: {
  telemetry: Telemetry;
  identity: IdentityResolver;
  policies: ReadonlyMap<DescMethod, Policy>;
  owners: OwnerResolver;
  /** The rate limit, counted once the caller is known and before any work (over HTTP only). */
  limit?: Interceptor;
}): Interceptor[] {
  return [
    observed(deps.telemetry),
    identified(deps.identity),
    ...(deps.limit ? [deps.limit] : []),
    authorized(deps.policies, deps.owners),
  ];
}

/** A caller as logs name it. */
export const callerLabel = (caller: Caller): string => (caller.kind === 'user' ? caller.user.id : 'anonymous');

const methodName = (method: DescMethod) => `${method.parent.typeName}/${method.name}`;

function observed(telemetry: Telemetry): Interceptor {
  return (next) => (req) => {
    const call: EdgeCall = {
      name: methodName(req.method),
      system: 'connect_rpc',
      caller: () => callerLabel(req.contextValues.get(callerKey)),
    };
    if (req.stream) return observeStream(telemetry, call, req.signal, () => next(req) as Promise<StreamResponse>);
    // a German reader of the site gets the messages in German (the web passes the page's language on)
    const locale = callLocale(req.header);
    const observed = observeEdge(telemetry, call, () => next(req));
    return locale === 'en' ? observed : observed.catch((error: unknown) => Promise.reject(localError(error, locale)));
  };
}

/**
 * The response comes back as soon as the handler has started; the observation (and the
 * span) lasts until its messages are all sent, fail, or the client stops reading or goes away.
 */
function observeStream(
  telemetry: Telemetry,
  call: EdgeCall,
  signal: AbortSignal,
  start: () => Promise<StreamResponse>,
): Promise<StreamResponse> {
  return new Promise((respond, refuse) => {
    let mapped: Promise<unknown> = Promise.resolve();
    const observation = observeEdge(telemetry, call, async () => {
      const res = await start();
      await new Promise<void>((end, fail) => {
        // A stream nobody reads any more would otherwise stay observed forever.
        signal.addEventListener(
          'abort',
          () => fail(new ConnectError('The client went away before the stream ended.', Code.Canceled)),
          { once: true },
        );
        respond({ ...res, message: following(res.message, end, fail, () => mapped) });
      });
    });
    // The error the stream's reader gets is the one observeEdge mapped.
    mapped = observation.then(
      () => undefined,
      (error: unknown) => error,
    );
    observation.catch(refuse);
  });
}

async function* following<T>(
  messages: AsyncIterable<T>,
  end: () => void,
  fail: (e: unknown) => void,
  mapped: () => Promise<unknown>,
) {
  try {
    yield* messages;
  } catch (error) {
    fail(error);
    throw await mapped();
  } finally {
    end();
  }
}

function identified(identity: IdentityResolver): Interceptor {
  return (next) => async (req) => {
    req.contextValues.set(callerKey, await identity.resolve(req.header));
    return next(req);
  };
}

function authorized(policies: ReadonlyMap<DescMethod, Policy>, owners: OwnerResolver): Interceptor {
  return (next) => async (req) => {
    const policy = policies.get(req.method);
    // Unreachable through createRpc, which refuses to start without a policy per method; never fail open.
    if (!policy) throw new Error(`${methodName(req.method)} has no policy`);
    const caller = req.contextValues.get(callerKey);
    if (!req.stream || policy.kind !== 'owner') {
      await enforce(policy, caller, req.stream ? undefined : req.message, owners);
      return next(req);
    }
    // An owner policy needs the message naming the resource: the first one of the stream.
    const first = await firstOf(req);
    if (first.done) throw invalidField('', `The first message must name the ${policy.resource}.`);
    await enforce(policy, caller, first.value, owners);
    return next({ ...req, message: prepend(first.value, first.rest) });
  };
}

async function firstOf(req: StreamRequest) {
  const rest = req.message[Symbol.asyncIterator]();
  const first = await rest.next();
  return {
    done: first.done === true,
    value: first.value as StreamRequest['message'] extends AsyncIterable<infer M> ? M : never,
    rest,
  };
}

async function* prepend<T>(first: T, rest: AsyncIterator<T>) {
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}
