import http2 from 'node:http2';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import { RecipeService } from '@yeet/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { recipeInput } from '../support/recipes.ts';

/**
 * Where RPCs are served and what a caller hears when it gets the path or the encoding wrong:
 * the whole platform (`--role all`, the web app beside the API), with rate limits counting
 * local callers too, so that calls at the root are seen going through the same interceptors.
 */
let t: TestPlatform;
let slug = '';
beforeAll(async () => {
  t = await startTestPlatform({ ROLE: 'all', RATE_LIMIT_EXEMPT: 'none' });
  const author = t.recipes('alice', ['author']);
  const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'Routed Risotto' }) });
  await author.submitRecipe({ id: recipe!.id });
  await t.recipes('erin', ['editor']).approveRecipe({ id: recipe!.id });
  slug = recipe!.slug;
}, 60_000);
afterAll(() => t?.stop());

const asAlice = { 'x-yeet-dev-user': 'alice', 'x-yeet-dev-roles': 'author' };

/** A unary gRPC call over h2c by hand: what grpc C-core sends, with the response's headers and trailers. */
function grpcCall(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ headers: http2.IncomingHttpHeaders; trailers: http2.IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      const session = http2.connect(t.baseUrl);
      session.on('error', reject);
      const stream = session.request({
        ':method': 'POST',
        ':path': path,
        'content-type': 'application/grpc',
        te: 'trailers',
        ...headers,
      });
      let head: http2.IncomingHttpHeaders = {};
      let trailers: http2.IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      stream.on('response', (h) => (head = h));
      stream.on('trailers', (h) => (trailers = h));
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        session.close();
        resolve({ headers: head, trailers, body: Buffer.concat(chunks) });
      });
      stream.on('error', reject);
      // An empty ListRecipesRequest: one uncompressed frame of zero bytes.
      stream.end(Buffer.from([0, 0, 0, 0, 0]));
    },
  );
}

describe('an unknown method under /api', () => {
  it('is unimplemented in Connect JSON (HTTP 404), naming the method and where the list is', async () => {
    const res = await fetch(`${t.baseUrl}/api/yeet.v1.RecipeService/ListRecipez`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('unimplemented');
    expect(body.message).toContain('yeet.v1.RecipeService has no method ListRecipez');
    expect(body.message).toContain('ListRecipes');
    expect(body.message).toContain('docs/api.md');
    expect(body.message).toContain('buf curl --list-methods');
  });

  it('names the services when the service is unknown, and answers a browser in JSON, not the HTML page', async () => {
    const res = await fetch(`${t.baseUrl}/api/yeet.v2.RecipeService/ListRecipes`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { code: string; message: string };
    expect(body).toEqual({
      code: 'unimplemented',
      message: expect.stringContaining('There is no service yeet.v2.RecipeService'),
    });
    expect(body.message).toContain('yeet.v1.SearchService');

    const bare = await fetch(`${t.baseUrl}/api/`, { method: 'POST' });
    expect(bare.status).toBe(404);
    expect(((await bare.json()) as { message: string }).message).toContain('/api/yeet.v1.RecipeService/ListRecipes');
  });

  it('is grpc-status 12 in a trailers-only gRPC answer', async () => {
    const res = await grpcCall('/api/yeet.v1.RecipeService/ListRecipez');
    expect(res.headers[':status']).toBe(200);
    expect(res.headers['grpc-status']).toBe('12');
    expect(decodeURIComponent(String(res.headers['grpc-message']))).toContain('has no method ListRecipez');
  });

  it('reaches generated clients of every protocol as Code.Unimplemented', async () => {
    const transports = {
      grpc: createGrpcTransport({ baseUrl: `${t.baseUrl}/api/v0` }),
      grpcWeb: createGrpcWebTransport({ baseUrl: `${t.baseUrl}/api/v0`, httpVersion: '1.1' }),
      connect: createConnectTransport({ baseUrl: `${t.baseUrl}/api/v0`, httpVersion: '1.1' }),
    };
    for (const [name, transport] of Object.entries(transports)) {
      const error = await createClient(RecipeService, transport)
        .listRecipes({})
        .then(
          () => null,
          (e: unknown) => ConnectError.from(e),
        );
      expect(error?.code, name).toBe(Code.Unimplemented);
      expect(error?.rawMessage, name).toContain('v0/yeet.v1.RecipeService/ListRecipes');
    }
  });

  it('is a gRPC-Web trailer frame for gRPC-Web callers', async () => {
    const res = await fetch(`${t.baseUrl}/api/yeet.v1.RecipeService/Nope`, {
      method: 'POST',
      headers: { 'content-type': 'application/grpc-web+proto' },
      body: new Uint8Array(5),
    });
    expect(res.status).toBe(200);
    const frame = Buffer.from(await res.arrayBuffer());
    expect(frame[0]).toBe(0x80);
    expect(frame.readUInt32BE(1)).toBe(frame.length - 5);
    const trailer = frame.subarray(5).toString();
    expect(trailer).toContain('grpc-status: 12');
    expect(decodeURIComponent(trailer)).toContain('has no method Nope');
  });
});

describe('requests Connect turns away before reading them', () => {
  it('415: says which content types are accepted, in Connect JSON with Accept-Post', async () => {
    const res = await fetch(`${t.baseUrl}/api/yeet.v1.RecipeService/ListRecipes`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(res.status).toBe(415);
    expect(res.headers.get('accept-post')).toContain('application/json');
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('invalid_argument');
    expect(body.message).toContain('"text/plain"');
    expect(body.message).toContain('application/json, application/proto');
    expect(body.message).toContain('application/grpc');
  });

  it('415 for any content type, not only those Fastify knows', async () => {
    for (const type of ['application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded']) {
      const res = await fetch(`${t.baseUrl}/api/yeet.v1.RecipeService/ListRecipes`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: 'x=1',
      });
      expect(res.status, type).toBe(415);
      expect(((await res.json()) as { code: string }).code, type).toBe('invalid_argument');
    }
  });

  it('505: a bidirectional stream over HTTP/1.1 says it needs HTTP/2', async () => {
    const res = await fetch(`${t.baseUrl}/api/grpc.reflection.v1.ServerReflection/ServerReflectionInfo`, {
      method: 'POST',
      headers: { 'content-type': 'application/connect+json' },
      body: new Uint8Array(5),
    });
    expect(res.status).toBe(505);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.message).toContain('needs HTTP/2');
  });

  it('405: a GET of a method with side effects says to POST it', async () => {
    const res = await fetch(`${t.baseUrl}/api/yeet.v1.RecipeService/CreateRecipe?connect=v1&encoding=json&message={}`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('unimplemented');
    expect(body.message).toContain('send it as POST');
  });
});

describe('RPCs at the root, where generated clients call them', () => {
  it('serves gRPC at /yeet.v1.RecipeService/ListRecipes over h2c', async () => {
    const grpc = createClient(RecipeService, createGrpcTransport({ baseUrl: t.baseUrl }));
    const { recipes } = await grpc.listRecipes({});
    expect(recipes.map((r) => r.slug)).toContain(slug);
    const { recipe } = await grpc.getRecipe({ key: { case: 'slug', value: slug } });
    expect(recipe?.title).toBe('Routed Risotto');
  });

  it('serves Connect (POST of JSON or protobuf, GET with connect=v1) and gRPC-Web', async () => {
    for (const transport of [
      createConnectTransport({ baseUrl: t.baseUrl, httpVersion: '1.1' }),
      createConnectTransport({ baseUrl: t.baseUrl, httpVersion: '1.1', useBinaryFormat: true }),
      createConnectTransport({ baseUrl: t.baseUrl, httpVersion: '1.1', useHttpGet: true }),
      createGrpcWebTransport({ baseUrl: t.baseUrl, httpVersion: '1.1' }),
    ]) {
      const { recipe } = await createClient(RecipeService, transport).getRecipe({ key: { case: 'slug', value: slug } });
      expect(recipe?.slug).toBe(slug);
    }
    const res = await fetch(`${t.baseUrl}/yeet.v1.RecipeService/ListRecipes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
  });

  it('goes through the same interceptors: identity, authorization, rate limits, idempotency', async () => {
    const anonymous = await fetch(`${t.baseUrl}/yeet.v1.RecipeService/CreateRecipe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ recipe: recipeInput({ title: 'No Name Stew' }) }),
    });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { code: string }).code).toBe('unauthenticated');

    const counted = await fetch(`${t.baseUrl}/yeet.v1.RecipeService/ListRecipes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(counted.status).toBe(200);
    expect(counted.headers.get('ratelimit')).toMatch(/r=\d+/);

    // A retried write with its Idempotency-Key runs once.
    const create = () =>
      fetch(`${t.baseUrl}/yeet.v1.RecipeService/CreateRecipe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'root-create-1', ...asAlice },
        body: JSON.stringify({ recipe: recipeInput({ title: 'Twice Baked Potatoes' }) }),
      }).then((r) => r.json() as Promise<{ recipe: { id: string } }>);
    const [first, retry] = [await create(), await create()];
    expect(retry.recipe.id).toBe(first.recipe.id);

    const signedIn = await grpcCall('/yeet.v1.UserService/GetMe', asAlice);
    expect(signedIn.trailers['grpc-status'] ?? signedIn.headers['grpc-status']).toBe('0');
    expect(signedIn.headers.ratelimit).toMatch(/r=\d+/);
  });

  it('answers an unknown method at the root in the caller protocol', async () => {
    const res = await grpcCall('/yeet.v1.RecipeService/ListRecipez');
    expect(res.headers['grpc-status']).toBe('12');
  });

  it('leaves the web app its paths: a browser GET of a method path is the web 404 page', async () => {
    const res = await fetch(`${t.baseUrl}/yeet.v1.RecipeService/ListRecipes`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('text/html');
    const home = await fetch(`${t.baseUrl}/`, { headers: { accept: 'text/html' } });
    expect(home.status).toBe(200);
  });
});
