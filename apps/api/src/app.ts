import { fastifyConnectPlugin } from '@connectrpc/connect-fastify';
import { RecipeService, SearchService } from '@yeet/contract';
import type { Database, Kysely } from '@yeet/db';
import { instrument, type Telemetry } from '@yeet/platform';
import type { FastifyInstance } from 'fastify';
import { RatingController } from './controllers/rating.controller.ts';
import { RecipeController } from './controllers/recipe.controller.ts';
import { SearchController } from './controllers/search.controller.ts';
import { recipeHandlers } from './handlers/recipe.handler.ts';
import { searchHandlers } from './handlers/search.handler.ts';
import { createJobCatalogue, type JobCatalogue } from './jobs/tasks.ts';
import { DevHeaderIdentity } from './rpc/identity.ts';
import { recipePolicies, searchPolicies } from './rpc/policies.ts';
import { secureService, type RpcDependencies } from './rpc/service.ts';
import { CachingSearchEngine } from './search/cache.ts';
import { PostgresSearchEngine } from './search/postgres.engine.ts';
import { DataAccess } from './stores/database.ts';

export interface ApiDependencies {
  db: Kysely<Database>;
  telemetry: Telemetry;
  devAuth: boolean;
  searchCache: { size: number; ttlMs: number };
}

export interface Api {
  data: DataAccess;
  recipes: RecipeController;
  ratings: RatingController;
  search: SearchController;
  /** The search engine's result cache: clear it when the index changes. */
  searchCache: CachingSearchEngine;
  /** The background tasks and their schedules, for the worker. */
  jobs: JobCatalogue;
  /** Mounts the Connect services under /api on a Fastify instance. */
  register(app: FastifyInstance): Promise<void>;
}

/** Largest request body the API reads; recipes are a few KB. */
const maxRequestBytes = 1024 * 1024;

/** Wires stores, engines, controllers and handlers together: the composition root of the API. */
export function createApi(deps: ApiDependencies): Api {
  const { telemetry } = deps;
  const data = new DataAccess(deps.db, telemetry);
  const engine = instrument('search', 'PostgresSearchEngine', new PostgresSearchEngine(deps.db), telemetry);
  const searchCache = new CachingSearchEngine(engine, {
    ...deps.searchCache,
    hits: telemetry.metrics.searchCacheHits,
    misses: telemetry.metrics.searchCacheMisses,
  });
  const recipes = instrument('controller', 'RecipeController', new RecipeController(data), telemetry);
  const ratings = instrument('controller', 'RatingController', new RatingController(data), telemetry);
  const search = instrument('controller', 'SearchController', new SearchController(searchCache, data), telemetry);
  const rpc: RpcDependencies = {
    identity: new DevHeaderIdentity({ enabled: deps.devAuth, users: data.stores.users }),
    owners: { ownerOf: (_resource, id) => data.stores.recipes.ownerOf(id) },
    telemetry,
  };
  return {
    data,
    recipes,
    ratings,
    search,
    searchCache,
    jobs: createJobCatalogue({ ratings, search: engine }),
    async register(app) {
      await app.register(fastifyConnectPlugin, {
        prefix: '/api',
        readMaxBytes: maxRequestBytes,
        // Strict JSON: an unknown field or enum name is a client mistake worth reporting,
        // not something to ignore silently (see docs/decisions/0002-strict-json.md).
        jsonOptions: { ignoreUnknownFields: false },
        routes: (router) => {
          router.service(RecipeService, secureService(RecipeService, recipeHandlers(recipes, ratings), recipePolicies, rpc));
          router.service(SearchService, secureService(SearchService, searchHandlers(search), searchPolicies, rpc));
        },
      });
    },
  };
}
