import type { DescService } from '@bufbuild/protobuf';
import { createClient, type Client, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { RecipeService } from '@yeet/contract';
import { freePort } from '@yeet/db';
import { createTestDatabase, type TestDatabase } from '@yeet/db/testing';
import { createLogger, loadConfig, type Config } from '@yeet/platform';
import { startPlatform, type RunningPlatform } from '../../apps/server/src/platform.ts';
import { inject } from 'vitest';

export interface TestPlatform {
  platform: RunningPlatform;
  config: Config;
  database: TestDatabase;
  baseUrl: string;
  /** A client of `service` acting as `handle` with `roles` (the dev identity headers); anonymous without a handle. */
  client<S extends DescService>(service: S, handle?: string, roles?: string[]): Client<S>;
  /** The RecipeService client of `client()`. */
  recipes(handle?: string, roles?: string[]): Client<typeof RecipeService>;
  stop(): Promise<void>;
}

/**
 * The real API process (`--role api`) on a free port, on this test file's own database,
 * with the development identity header switched on so tests can act as anyone.
 */
export async function startTestPlatform(
  env: Record<string, string> = {},
  /** Another platform's database (e.g. a worker next to an API); dropped by its owner. */
  shared?: TestDatabase,
): Promise<TestPlatform> {
  const database = shared ?? (await createTestDatabase(inject('testDatabaseServer')));
  // The port is known up front: the built-in issuer's URL (PUBLIC_URL) includes it.
  const port = await freePort();
  const config = loadConfig({
    ROLE: 'api',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: database.url,
    DATABASE_POOL_MAX: '5',
    DEV_AUTH: 'true',
    SEED_DEMO: 'never',
    ...env,
  });
  const platform = await startPlatform(config, createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  const baseUrl = platform.url;
  const client = <S extends DescService>(service: S, handle?: string, roles: string[] = []): Client<S> => {
    const identify: Interceptor = (next) => (req) => {
      if (handle) {
        req.header.set('x-yeet-dev-user', handle);
        if (roles.length) req.header.set('x-yeet-dev-roles', roles.join(','));
      }
      return next(req);
    };
    return createClient(
      service,
      createConnectTransport({ baseUrl: `${baseUrl}/api`, httpVersion: '1.1', interceptors: [identify] }),
    );
  };
  return {
    platform,
    config,
    database,
    baseUrl,
    client,
    recipes: (handle, roles = []) => client(RecipeService, handle, roles),
    async stop() {
      await platform.stop();
      if (!shared) await database.drop();
    },
  };
}

/** The web role on its own with its API nowhere to be found: what visitors see while the API is down. */
export async function startWebWithoutApi(beside: TestPlatform, sessionSecret: string): Promise<TestPlatform> {
  return startTestPlatform(
    { ROLE: 'web', API_URL: `http://127.0.0.1:${await freePort()}`, SESSION_SECRET: sessionSecret },
    beside.database,
  );
}

/** A Connect transport to `baseUrl`'s API calling with an access token, as a signed-in browser's session or a CLI does. */
export const bearerTransport = (baseUrl: string, token: string) =>
  createConnectTransport({
    baseUrl: `${baseUrl}/api`,
    httpVersion: '1.1',
    interceptors: [
      (next) => (req) => {
        req.header.set('authorization', `Bearer ${token}`);
        return next(req);
      },
    ],
  });
