import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { RecipeService } from '@yeet/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { recipeInput } from '../support/recipes.ts';

let t: TestPlatform;
let slug = '';
beforeAll(async () => {
  t = await startTestPlatform();
  const author = t.recipes('alice', ['author']);
  const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'Published Lentil Soup' }) });
  await author.submitRecipe({ id: recipe!.id });
  await t.recipes('erin', ['editor']).approveRecipe({ id: recipe!.id });
  slug = recipe!.slug;
});
afterAll(() => t?.stop());

const post = (method: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${t.baseUrl}/api/yeet.v1.RecipeService/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

describe('protocols on one port', () => {
  it('answers Connect JSON over HTTP/1.1, as curl would send it', async () => {
    const res = await post('ListRecipes', '{}');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as { recipes: Array<{ slug: string; status: string; difficulty: string }> };
    expect(body.recipes).toEqual([
      expect.objectContaining({ slug, status: 'RECIPE_STATUS_PUBLISHED', difficulty: 'DIFFICULTY_EASY' }),
    ]);
  });

  it('answers gRPC over HTTP/2 (h2c) for service callers', async () => {
    const grpc = createClient(RecipeService, createGrpcTransport({ baseUrl: `${t.baseUrl}/api` }));
    const { recipe } = await grpc.getRecipe({ key: { case: 'slug', value: slug } });
    expect(recipe?.title).toBe('Published Lentil Soup');
  });

  it('reports errors as Connect JSON with the code and field details', async () => {
    const res = await post('CreateRecipe', JSON.stringify({ recipe: { title: '' } }), {
      'x-yeet-dev-user': 'alice',
      'x-yeet-dev-roles': 'author',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; message: string; details: Array<{ type: string }> };
    expect(body.code).toBe('invalid_argument');
    expect(body.message).toContain('recipe.title');
    expect(body.details[0]?.type).toBe('yeet.v1.BadRequest');
  });
});

describe('hostile input never causes a 500', () => {
  const cases: Array<[string, string, string]> = [
    ['not JSON', 'GetRecipe', '{"slug": '],
    ['wrong type', 'GetRecipe', '{"slug": 42}'],
    ['unknown enum name', 'ListRecipes', '{"sort": "RECIPE_SORT_BEST"}'],
    ['unknown enum number', 'ListRecipes', '{"filter": {"mealTypes": [99]}}'],
    ['10 KB of quotes and operators', 'GetRecipe', JSON.stringify({ slug: `'"&|!:*<>\\`.repeat(1024) })],
    ['unicode', 'GetRecipe', JSON.stringify({ slug: '🍕\u0000\uFFFF𝄞' })],
    ['page token of junk', 'ListRecipes', JSON.stringify({ pageToken: '%%%' })],
    ['negative time limit', 'ListRecipes', JSON.stringify({ filter: { maxTotalMinutes: -5 } })],
    ['huge rating', 'RateRecipe', JSON.stringify({ recipeId: 'x', stars: 2147483647 })],
  ];
  it.each(cases)('%s', async (_name, method, body) => {
    const res = await post(method, body, { 'x-yeet-dev-user': 'mallory' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('refuses a request body over 1 MiB', async () => {
    const res = await post('GetRecipe', JSON.stringify({ slug: 'x'.repeat(2 * 1024 * 1024) }));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});

describe('the development identity header', () => {
  it('is refused when DEV_AUTH is off', async () => {
    const strict = await startTestPlatform({ DEV_AUTH: 'false' });
    try {
      const res = await fetch(`${strict.baseUrl}/api/yeet.v1.RecipeService/ListRecipes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-yeet-dev-user': 'alice' },
        body: '{}',
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { message: string }).message).toContain('DEV_AUTH=true');
    } finally {
      await strict.stop();
    }
  });
});

describe('probes and metrics', () => {
  it('healthz and readyz answer', async () => {
    expect(await (await fetch(`${t.baseUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', search_index: 'ok' } });
  });

  it('exposes per-method RPC histograms and per-layer operation histograms', async () => {
    await post('GetRecipe', JSON.stringify({ slug: 'missing' }));
    const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(text).toContain('yeet_rpc_duration_seconds_bucket{le="0.005",method="yeet.v1.RecipeService/ListRecipes",code="ok"}');
    expect(text).toMatch(/yeet_rpc_duration_seconds_count\{method="yeet.v1.RecipeService\/GetRecipe",code="NotFound"\} \d+/);
    expect(text).toMatch(
      /yeet_operation_duration_seconds_count\{layer="controller",operation="RecipeController.list",outcome="ok"\}/,
    );
    expect(text).toMatch(/yeet_operation_duration_seconds_count\{layer="store",operation="RecipeStore.list",outcome="ok"\}/);
  });
});
