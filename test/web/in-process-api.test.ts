import { anonymous } from '@yeet/domain';
import { sessionCookieName, webSessionCodec } from '@yeet/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oncePerRequest, oneRequest } from '../../apps/api/src/identity/per-request.ts';
import { oidcFlow } from '../support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { recipeInput } from '../support/recipes.ts';

/**
 * In `--role all` pages reach the API in memory, not over HTTP: the caller's token, the
 * policies and the errors are those of an HTTP call, which a web role alone still makes.
 */
const sessionSecret = 'in-process-api-test-session-secret-0123456789';
let all: TestPlatform;
let web: TestPlatform;
let cookie: string;
let published: string;
let draft: string;

beforeAll(async () => {
  all = await startTestPlatform({ ROLE: 'all', SESSION_SECRET: sessionSecret });
  web = await startTestPlatform({ ROLE: 'web', API_URL: all.baseUrl, SESSION_SECRET: sessionSecret }, all.database);
  const flow = oidcFlow(all.baseUrl, all.config, sessionSecret);
  // the first person to sign up is an admin: the reader is the second, with no special role
  await flow.signUp({ email: 'first@example.com', password: 'a long enough password', displayName: 'First Admin' });
  const tokens = await flow.signUp({
    email: 'reader@example.com',
    password: 'a long enough password',
    displayName: 'Beatrix Quill',
  });
  const session = {
    id: 'in-process',
    accessToken: tokens.access_token,
    refreshToken: null,
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  };
  cookie = `${sessionCookieName}=${webSessionCodec(sessionSecret).seal(session, 3600)}`;
  const author = all.recipes('alice', ['author']);
  const a = (await author.createRecipe({ recipe: recipeInput({ title: 'Shared Shakshuka' }) })).recipe!;
  await author.submitRecipe({ id: a.id });
  await all.recipes('erin', ['editor']).approveRecipe({ id: a.id });
  published = a.slug;
  draft = (await author.createRecipe({ recipe: recipeInput({ title: 'Secret Stew' }) })).recipe!.slug;
});
afterAll(async () => {
  await web?.stop();
  await all?.stop();
});

const page = (base: string, path: string) => fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' });

/** Sum of a counter's (or histogram's _count) samples whose labels match. */
async function counted(name: string, labels: RegExp): Promise<number> {
  const text = await (await fetch(`${all.baseUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && labels.test(line))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('resolving the caller once per request', () => {
  const counting = () => {
    const calls: string[] = [];
    const resolver = oncePerRequest({
      resolve: async (headers) => {
        calls.push(headers.get('authorization') ?? '');
        return anonymous;
      },
    });
    return { calls, resolver };
  };
  const bearer = (token: string) => new Headers({ authorization: `Bearer ${token}` });

  it('asks once per set of credentials within a request', async () => {
    const { calls, resolver } = counting();
    await oneRequest(async () => {
      await Promise.all([resolver.resolve(bearer('a')), resolver.resolve(bearer('a')), resolver.resolve(bearer('b'))]);
      await resolver.resolve(bearer('a'));
    });
    expect(calls.sort()).toEqual(['Bearer a', 'Bearer b']);
  });

  it('asks every time outside a request, and afresh in the next one', async () => {
    const { calls, resolver } = counting();
    await resolver.resolve(bearer('a'));
    await resolver.resolve(bearer('a'));
    await oneRequest(() => resolver.resolve(bearer('a')));
    await oneRequest(() => resolver.resolve(bearer('a')));
    expect(calls).toHaveLength(4);
  });
});

describe('the API in memory for --role all', () => {
  it('renders a signed-in page with no RPC over HTTP, through the RPC interceptors', async () => {
    const httpBefore = await counted('yeet_http_request_duration_seconds_count', /route="\/api\/yeet\./);
    const rpcBefore = await counted('yeet_rpc_duration_seconds_count', /method="yeet\.v1\.RecipeService\/GetRecipe"/);
    const identifyBefore = await counted('yeet_operation_duration_seconds_count', /operation="UserController\.identify"/);
    const rpcsBefore = await counted('yeet_rpc_duration_seconds_count', /method="yeet\.v1\./);
    const res = await page(all.baseUrl, `/r/${published}`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('Shared Shakshuka');
    // the header names the signed-in person: the call carried their token
    expect(html).toContain('Beatrix Quill');
    expect(await counted('yeet_http_request_duration_seconds_count', /route="\/api\/yeet\./)).toBe(httpBefore);
    // several RPCs (the person, the recipe, its ratings), one look-up of the person
    expect(await counted('yeet_rpc_duration_seconds_count', /method="yeet\.v1\./)).toBeGreaterThanOrEqual(rpcsBefore + 3);
    expect(await counted('yeet_operation_duration_seconds_count', /operation="UserController\.identify"/)).toBe(
      identifyBefore + 1,
    );
    expect(await counted('yeet_rpc_duration_seconds_count', /method="yeet\.v1\.RecipeService\/GetRecipe"/)).toBeGreaterThan(
      rpcBefore,
    );
  });

  it('answers as a web role calling the API over HTTP does: the same page, the same refusals', async () => {
    const overHttp = await counted('yeet_http_request_duration_seconds_count', /route="\/api\/yeet\./);
    for (const base of [all.baseUrl, web.baseUrl]) {
      const ok = await page(base, `/r/${published}`);
      const html = await ok.text();
      expect(ok.status).toBe(200);
      expect(html).toContain('Shared Shakshuka');
      expect(html).toContain('Beatrix Quill');
      // another author's draft is not the reader's to see: NotFound, as a 404 page
      expect((await page(base, `/r/${draft}`)).status).toBe(404);
      expect((await page(base, '/r/no-such-recipe')).status).toBe(404);
      // an editor's page: the reader is told it is for editors, and how to become one
      const review = await page(base, '/review');
      expect(review.status).toBe(403);
      expect(await review.text()).toContain('The review queue is for editors');
    }
    // the web role's calls did come over HTTP (and the count above would have seen them)
    expect(await counted('yeet_http_request_duration_seconds_count', /route="\/api\/yeet\./)).toBeGreaterThan(overHttp);
  });
});
