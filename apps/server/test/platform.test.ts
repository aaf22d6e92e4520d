import { create, toJson } from '@bufbuild/protobuf';
import { devRolesHeader, devUserHeader } from '@yeet/api';
import { RecipeInputSchema } from '@yeet/contract';
import { createTestDatabase, type TestDatabase } from '@yeet/db/testing';
import { createLogger, loadConfig } from '@yeet/platform';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { recipeInput } from '../../../test/support/recipes.ts';
import { buildPlatform, type Platform } from '../src/platform.ts';

/** The platform as built, without a port: requests go in through Fastify's `inject`. */
let database: TestDatabase;
let platform: Platform;

beforeAll(async () => {
  database = await createTestDatabase(inject('testDatabaseServer'));
  const config = loadConfig({
    ROLE: 'api',
    DATABASE_URL: database.url,
    DATABASE_POOL_MAX: '3',
    DEV_AUTH: 'true',
    SEED_DEMO: 'never',
  });
  platform = await buildPlatform(config, createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
});

afterAll(async () => {
  await platform?.stop();
  await database?.drop();
});

const rpc = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  platform.app.inject({
    method: 'POST',
    url: `/api/yeet.v1.RecipeService/${method}`,
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  });

describe('buildPlatform (role api)', () => {
  it('answers without listening on a port', async () => {
    expect(platform.app.server.listening).toBe(false);
    expect((await platform.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await platform.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', search_index: 'ok' } });
  });

  it('serves the RPC services in JSON, with the caller from the development headers', async () => {
    const recipe = toJson(RecipeInputSchema, create(RecipeInputSchema, recipeInput({ title: 'Injected Gazpacho' })));
    const anonymous = await rpc('CreateRecipe', { recipe });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ code: 'unauthenticated' });

    const created = await rpc('CreateRecipe', { recipe }, { [devUserHeader]: 'alice', [devRolesHeader]: 'author' });
    expect(created.statusCode).toBe(200);
    const { recipe: draft } = created.json() as { recipe: { slug: string; title: string } };
    expect(draft.title).toBe('Injected Gazpacho');

    const read = await rpc('GetRecipe', { slug: draft.slug }, { [devUserHeader]: 'alice' });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ recipe: { slug: draft.slug, title: 'Injected Gazpacho' } });
    expect((await rpc('GetRecipe', { slug: 'no-such-recipe' })).json()).toMatchObject({ code: 'not_found' });
  });

  it('counts every response by route pattern, not by URL', async () => {
    await rpc('GetRecipe', { slug: 'no-such-recipe' });
    await platform.app.inject('/no/such/page');
    const text = (await platform.app.inject('/metrics')).body;
    expect(text).toMatch(/yeet_http_request_duration_seconds_count\{route="\/healthz",method="GET",status="200"\} [1-9]/);
    expect(text).toMatch(
      /yeet_http_request_duration_seconds_count\{route="\/api\/yeet\.v1\.RecipeService\/GetRecipe",method="POST",status="404"\} [1-9]/,
    );
    expect(text).toMatch(/yeet_http_request_duration_seconds_count\{route="unmatched",method="GET",status="404"\} 1/);
  });

  it('stops cleanly: every connection to the database closed, a second stop a no-op', async () => {
    const observer = new pg.Client({ connectionString: database.url });
    await observer.connect();
    try {
      const connections = async () =>
        Number(
          (
            await observer.query<{ n: string }>(
              'select count(*) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
            )
          ).rows[0]?.n,
        );
      expect(await connections()).toBeGreaterThan(0);
      await platform.stop();
      await platform.stop();
      expect(platform.database?.pool.ended).toBe(true);
      expect(await connections()).toBe(0);
    } finally {
      await observer.end();
    }
  });
});
