import type { DescMethod, DescService } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { createAsyncIterable, encodeEnvelope, type UniversalHandler } from '@connectrpc/connect/protocol';
import { codeToHttpStatus, errorToJsonBytes } from '@connectrpc/connect/protocol-connect';
import { setTrailerStatus } from '@connectrpc/connect/protocol-grpc';
import { trailerFlag, trailerSerialize } from '@connectrpc/connect/protocol-grpc-web';
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyPluginCallback,
  FastifyPluginOptions,
  FastifyReply,
  FastifyRequest,
} from 'fastify';

/** Said in every "no such method" answer: where a caller finds the methods there are. */
const whereTheListIs =
  'The services and methods are listed in docs/api.md and by gRPC server reflection (`buf curl --list-methods <base URL>`).';

/**
 * The error for a path that names no method of `services`, e.g. "yeet.v1.RecipeService/ListRecipez"
 * (the part after /api/): which method is missing, what there is instead, and where the list is.
 */
export function unknownMethodError(path: string, services: readonly DescService[]): ConnectError {
  const match = /^([\w.]+)\/(\w+)$/.exec(path);
  if (!match) {
    return new ConnectError(
      `"/${path}" is not a method of this API: a call is sent to <base URL>/<package.Service>/<Method>, ` +
        `e.g. /api/yeet.v1.RecipeService/ListRecipes. ${whereTheListIs}`,
      Code.Unimplemented,
    );
  }
  const [, serviceName, methodName] = match as unknown as [string, string, string];
  const service = services.find((s) => s.typeName === serviceName);
  if (!service) {
    const names = services.map((s) => s.typeName).join(', ');
    return new ConnectError(
      `There is no service ${serviceName}, so no method ${serviceName}/${methodName}; the services are ${names}. ${whereTheListIs}`,
      Code.Unimplemented,
    );
  }
  const methods = service.methods.map((m) => m.name).join(', ');
  return new ConnectError(
    `${serviceName} has no method ${methodName}; its methods are ${methods}. ${whereTheListIs}`,
    Code.Unimplemented,
  );
}

/**
 * Every request under /api that no route takes (an unknown service or method, a typo in
 * the path) gets `unimplemented` in the caller's own protocol, instead of falling through
 * to the website's HTML 404 page, which no RPC client can read.
 */
export async function registerRpcFallback(app: FastifyInstance, services: readonly DescService[]): Promise<void> {
  await app.register(async (scope) => {
    // Whatever the body is (protobuf, gRPC frames, JSON), it is not read.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    const answer = async (req: FastifyRequest, reply: FastifyReply) => {
      const path = req.url.split('?', 1)[0]!.replace(/^\/api\/?/, '');
      // 404 rather than unimplemented's usual 501: the path names nothing here (as a Connect mux answers).
      return sendRpcError(req, reply, unknownMethodError(path, services), 404);
    };
    scope.all('/api', answer);
    scope.all('/api/*', answer);
  });
}

/**
 * `error` as the caller's protocol carries it: gRPC as a trailers-only response (HTTP 200
 * with grpc-status and grpc-message), gRPC-Web as its trailer frame in the body, and
 * anything else (Connect, curl, a browser) as a Connect JSON error with `httpStatus`.
 */
export function sendRpcError(
  req: FastifyRequest,
  reply: FastifyReply,
  error: ConnectError,
  httpStatus = codeToHttpStatus(error.code),
): FastifyReply {
  const contentType = String(req.headers['content-type'] ?? '')
    .split(';', 1)[0]!
    .trim()
    .toLowerCase();
  const status = new Headers();
  setTrailerStatus(status, error);
  if (contentType.startsWith('application/grpc-web')) {
    return reply
      .code(200)
      .type(contentType)
      .send(Buffer.from(encodeEnvelope(trailerFlag, trailerSerialize(status))));
  }
  if (contentType.startsWith('application/grpc')) {
    reply.code(200).type(contentType);
    for (const [name, value] of status) reply.header(name, value);
    return reply.send();
  }
  return reply
    .code(httpStatus)
    .type('application/json')
    .send(Buffer.from(errorToJsonBytes(error, {})));
}

/** What each protocol reads, for a method of this kind (Connect's streaming types differ from its unary ones). */
function acceptedContentTypes(method: DescMethod): string[] {
  const connect =
    method.methodKind === 'unary'
      ? ['application/json', 'application/proto']
      : ['application/connect+json', 'application/connect+proto'];
  return [
    ...connect,
    'application/grpc',
    'application/grpc+proto',
    'application/grpc+json',
    'application/grpc-web',
    'application/grpc-web+proto',
    'application/grpc-web+json',
  ];
}

/**
 * Connect answers a request it cannot take before reading it with a bare status and no
 * body: 415 for a content type no protocol reads, 405 for a GET to a method that is not
 * free of side effects, 505 for a bidirectional stream over HTTP/1.1. Those answers get a
 * Connect JSON error saying what to send instead (and, for 415, an Accept-Post header
 * listing the types, RFC 9110 style), keeping any header Connect set.
 */
export function withProtocolErrors(handler: UniversalHandler): UniversalHandler {
  const target = `${handler.service.typeName}/${handler.method.name}`;
  const explain = (status: number, contentType: string, method: string): ConnectError | null => {
    switch (status) {
      case 415:
        return new ConnectError(
          `${target} cannot read a body of type "${contentType || '(none)'}". ` +
            `Send one of: ${acceptedContentTypes(handler.method).join(', ')}; ` +
            'with curl, -H "content-type: application/json" and a JSON body.',
          Code.InvalidArgument,
        );
      case 405:
        return new ConnectError(
          `${target} does not take ${method} requests: send it as ${handler.allowedMethods.join(' or ')}` +
            `${handler.allowedMethods.includes('GET') ? '' : ' (only methods without side effects can be called with GET)'}.`,
          Code.Unimplemented,
        );
      case 505:
        return new ConnectError(
          `${target} is a bidirectional stream, which needs HTTP/2: call it over h2c (e.g. buf curl --http2-prior-knowledge, or a gRPC client).`,
          Code.Unimplemented,
        );
      default:
        return null;
    }
  };
  const wrapped = async (req: Parameters<UniversalHandler>[0]) => {
    const res = await handler(req);
    if (res.body !== undefined) return res;
    const error = explain(res.status, req.header.get('content-type') ?? '', req.method);
    if (!error) return res;
    const json = errorToJsonBytes(error, {});
    const header = new Headers(res.header);
    header.set('content-type', 'application/json');
    header.set('content-length', String(json.byteLength));
    if (res.status === 415) header.set('accept-post', acceptedContentTypes(handler.method).join(', '));
    if (res.status === 405) header.set('allow', handler.allowedMethods.join(', '));
    return { ...res, header, body: createAsyncIterable([json]) };
  };
  return Object.assign(wrapped, {
    protocolNames: handler.protocolNames,
    service: handler.service,
    method: handler.method,
    requestPath: handler.requestPath,
    allowedMethods: handler.allowedMethods,
    supportedContentType: handler.supportedContentType,
  });
}

/**
 * `plugin` (Connect's Fastify plugin) in a scope that hands every body on unread, whatever
 * its content type. Connect only claims its own types; any other (application/xml, a form)
 * would otherwise get Fastify's 415 in Fastify's format before Connect could answer, and
 * text/plain would be read by Fastify for nothing.
 */
export function withAnyBody<Options extends FastifyPluginOptions>(
  plugin: FastifyPluginCallback<Options>,
): FastifyPluginAsync<Options> {
  return async (scope, options) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    await new Promise<void>((resolve, reject) => plugin(scope, options, (error) => (error ? reject(error) : resolve())));
  };
}
