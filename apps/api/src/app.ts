import { randomBytes } from 'node:crypto';
import { createRouterTransport, type ConnectRouter, type Transport } from '@connectrpc/connect';
import { fastifyConnectPlugin } from '@connectrpc/connect-fastify';
import { ImageService, RecipeService, SearchService, UserService } from '@yeet/contract';
import type { Database, Kysely } from '@yeet/db';
import { DirectoryStorage, keysFromHex, S3Storage, type ImgproxyKeys, type ObjectStorage } from '@yeet/media';
import {
  createRateLimiter,
  deriveSecret,
  instrument,
  signInSettings,
  type ImageConfig,
  type OidcConfig,
  type SignInSettings,
  type Telemetry,
} from '@yeet/platform';
import type { FastifyInstance } from 'fastify';
import { ImageController } from './controllers/image.controller.ts';
import { RatingController } from './controllers/rating.controller.ts';
import { RecipeController } from './controllers/recipe.controller.ts';
import { SearchController } from './controllers/search.controller.ts';
import { UserController } from './controllers/user.controller.ts';
import { imageHandlers } from './handlers/image.handler.ts';
import { recipeConverter } from './handlers/recipe.convert.ts';
import { recipeHandlers } from './handlers/recipe.handler.ts';
import { searchHandlers } from './handlers/search.handler.ts';
import { userHandlers } from './handlers/user.handler.ts';
import { createIdentity } from './identity/create-identity.ts';
import { sweepExpiredOidcPayloads } from './issuer/adapter.ts';
import { registerIssuer } from './issuer/routes.ts';
import { registerUploadRoute, uploadUrlSigner } from './images/upload-route.ts';
import { ImageUrls } from './images/urls.ts';
import { createJobCatalogue, type JobCatalogue } from './jobs/tasks.ts';
import { registerMcpRoute } from './mcp/http.ts';
import { domainOutcome } from './observation.ts';
import { DevHeaderIdentity, IdentityChain } from './rpc/identity.ts';
import { imagePolicies, recipePolicies, searchPolicies, userPolicies } from './rpc/policies.ts';
import { secureService, type RpcDependencies } from './rpc/service.ts';
import { CachingSearchEngine } from './search/cache.ts';
import { PostgresSearchEngine } from './search/postgres.engine.ts';
import { DataAccess } from './stores/database.ts';

export interface ApiDependencies {
  db: Kysely<Database>;
  telemetry: Telemetry;
  devAuth: boolean;
  searchCache: { size: number; ttlMs: number };
  publicUrl: string;
  oidc: OidcConfig;
  /** null: generated once and kept in the database. */
  sessionSecret: string | null;
  trustProxy: boolean;
  images: ImageConfig;
  /** MCP tool calls allowed per caller per minute. */
  mcpRateLimit: number;
}

export interface Api {
  data: DataAccess;
  recipes: RecipeController;
  ratings: RatingController;
  search: SearchController;
  users: UserController;
  /** The search engine's result cache: clear it when the index changes. */
  searchCache: CachingSearchEngine;
  /** The background tasks and their schedules, for the worker. */
  jobs: JobCatalogue;
  signIn: SignInSettings;
  images: ImageController;
  /** Where originals live and how image URLs are signed (shared with the img role in one process). */
  media: { storage: ObjectStorage; keys: ImgproxyKeys };
  /** The API's services in this process, through the same wrappers as over HTTP. */
  transport: Transport;
  /** Mounts the Connect services under /api, MCP at /mcp (and the built-in issuer under /oidc). */
  register(app: FastifyInstance): Promise<void>;
}

/** Largest request body the API reads; recipes are a few KB. */
const maxRequestBytes = 1024 * 1024;

/** Wires stores, engines, identity, controllers and handlers together: the API's composition root. */
export async function createApi(deps: ApiDependencies): Promise<Api> {
  const { telemetry, oidc } = deps;
  const data = new DataAccess(deps.db, telemetry);
  const controller = <T extends object>(name: string, target: T) => instrument('controller', name, target, telemetry, domainOutcome);

  const engine = instrument('search', 'PostgresSearchEngine', new PostgresSearchEngine(deps.db), telemetry, domainOutcome);
  const searchCache = new CachingSearchEngine(engine, {
    ...deps.searchCache,
    hits: telemetry.metrics.searchCacheHits,
    misses: telemetry.metrics.searchCacheMisses,
  });
  const recipes = controller('RecipeController', new RecipeController(data));
  const ratings = controller('RatingController', new RatingController(data));
  const search = controller('SearchController', new SearchController(searchCache, data));
  const users = controller('UserController', new UserController(data, { rolesFromIssuer: oidc.rolesClaim !== null }));

  const sessionSecret =
    deps.sessionSecret ?? (await data.stores.meta.getOrCreate('session_secret', () => randomBytes(32).toString('base64url')));
  const signIn = signInSettings({ publicUrl: deps.publicUrl, oidc }, sessionSecret);

  const { issuer, tokens } = await createIdentity({
    db: deps.db,
    data,
    users,
    telemetry,
    publicUrl: deps.publicUrl,
    oidc,
    signIn,
    trustProxy: deps.trustProxy,
    observe: controller,
  });

  const storage = createStorage(deps.images);
  const imgproxy =
    deps.images.imgproxy ??
    (await data.stores.meta.getOrCreate('imgproxy_keys', () => ({
      key: randomBytes(32).toString('hex'),
      salt: randomBytes(32).toString('hex'),
    })));
  const keys = keysFromHex(imgproxy.key, imgproxy.salt);
  const toProto = recipeConverter(new ImageUrls({ baseUrl: deps.images.baseUrl, keys, storage }));
  const uploads = uploadUrlSigner(deriveSecret(sessionSecret, 'upload-urls'), deps.publicUrl);
  const images = controller(
    'ImageController',
    new ImageController(data, {
      storage,
      maxBytes: deps.images.maxBytes,
      maxPixels: deps.images.maxPixels,
      uploadUrl: uploads.url,
      logger: telemetry.logger,
    }),
  );

  const rpc: RpcDependencies = {
    identity: new IdentityChain([tokens, new DevHeaderIdentity({ enabled: deps.devAuth, users: data.stores.users })]),
    owners: { ownerOf: (_resource, id) => data.stores.recipes.ownerOf(id) },
    telemetry,
  };
  const services = {
    recipes: secureService(RecipeService, recipeHandlers(recipes, ratings, toProto), recipePolicies, rpc),
    search: secureService(SearchService, searchHandlers(search, toProto), searchPolicies, rpc),
    images: secureService(ImageService, imageHandlers(images, toProto), imagePolicies, rpc),
    users: secureService(UserService, userHandlers(users), userPolicies, rpc),
  };
  const routes = (router: ConnectRouter) => {
    router.service(RecipeService, services.recipes);
    router.service(SearchService, services.search);
    router.service(ImageService, services.images);
    router.service(UserService, services.users);
  };
  // For callers inside this process (the MCP server): no HTTP, the same wrappers.
  const transport = createRouterTransport(routes);
  return {
    data,
    recipes,
    ratings,
    search,
    users,
    searchCache,
    jobs: createJobCatalogue({ ratings, search: engine, images, sweepIssuer: () => sweepExpiredOidcPayloads(deps.db) }),
    signIn,
    images,
    media: { storage, keys },
    transport,
    async register(app) {
      if (issuer) await registerIssuer(app, issuer.provider, issuer.accounts);
      await registerUploadRoute(app, { images, signer: uploads, maxBytes: deps.images.maxBytes });
      await app.register(fastifyConnectPlugin, {
        prefix: '/api',
        readMaxBytes: maxRequestBytes,
        // Strict JSON: an unknown field or enum name is a client mistake worth reporting,
        // not something to ignore silently (see docs/decisions/0002-strict-json.md).
        jsonOptions: { ignoreUnknownFields: false },
        routes,
      });
      await registerMcpRoute(app, {
        transport,
        identity: rpc.identity,
        publicUrl: deps.publicUrl,
        telemetry,
        limiter: createRateLimiter({ limit: deps.mcpRateLimit, windowMs: 60_000 }),
      });
    },
  };
}

export function createStorage(config: ImageConfig): ObjectStorage {
  const s = config.storage;
  return s.kind === 's3'
    ? new S3Storage({ bucket: s.bucket, region: s.region, endpoint: s.endpoint ?? undefined, forcePathStyle: s.forcePathStyle })
    : new DirectoryStorage(s.dir);
}
