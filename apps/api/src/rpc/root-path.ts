/**
 * A request to a fully-qualified method at the root, e.g. /yeet.v1.RecipeService/ListRecipes
 * or /grpc.reflection.v1.ServerReflection/ServerReflectionInfo (package, service, method).
 * The web app has no path of that shape.
 */
const methodAtRoot = /^\/(?:[a-z_][\w]*\.)+[A-Z]\w*\/[A-Z]\w*(?:\?|$)/;

/**
 * Generated gRPC and Connect clients (grpc C-core, grpc-go, grpcurl, buf curl) call a method
 * at /<package.Service>/<Method> on the host; this API serves it under /api, beside the web
 * app. A request at the root that is an RPC by its content type is served as if sent to
 * /api: gRPC and gRPC-Web (application/grpc*), Connect (application/proto, the streaming
 * application/connect+*, a POST of application/json, a GET with connect=v1 in its query).
 * Anything else (a browser's GET of that path) stays the web app's, which answers 404.
 * Returns the URL to route by: `url` itself, or it under /api.
 */
export function rpcUrl(method: string, url: string, contentType: string | undefined): string {
  if (!methodAtRoot.test(url)) return url;
  const type = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  const rpc =
    type.startsWith('application/grpc') ||
    type === 'application/proto' ||
    type.startsWith('application/connect+') ||
    (type === 'application/json' && method === 'POST') ||
    (method === 'GET' && /[?&]connect=v1(?:&|$)/.test(url));
  return rpc ? `/api${url}` : url;
}
