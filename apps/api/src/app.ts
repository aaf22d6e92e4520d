import { randomBytes } from 'node:crypto';
import type { Transport } from '@connectrpc/connect';
import type { Database, DatabaseHandle, Kysely } from '@yeet/db';
import type { ImgproxyKeys, ObjectStorage } from '@yeet/media';
import {
  deriveSecret,
  instrument,
  signInSettings,
  webSessionCodec,
  type ImageConfig,
  type OidcConfig,
  type RateLimitConfig,
  type SignInSettings,
  type Telemetry,
} from '@yeet/platform';
import type { FastifyInstance } from 'fastify';
import { AuditController } from './controllers/audit.controller.ts';
import { ExportController } from './controllers/export.controller.ts';
import { CollectionController } from './controllers/collection.controller.ts';
import { ShoppingListController } from './controllers/shopping-list.controller.ts';
import type { ImageController } from './controllers/image.controller.ts';
import { ImportController } from './controllers/import.controller.ts';
import { MealPlanController } from './controllers/meal-plan.controller.ts';
import { RatingController } from './controllers/rating.controller.ts';
import { RecipeController } from './controllers/recipe.controller.ts';
import { SearchController } from './controllers/search.controller.ts';
import { TelemetryController } from './controllers/telemetry.controller.ts';
import { UserController } from './controllers/user.controller.ts';
import { recipeConverter } from './handlers/recipe.convert.ts';
import { exportLinks } from './exports/links.ts';
import { registerExportRoute } from './exports/route.ts';
import { createIdentity } from './identity/create-identity.ts';
import { EndedWebSessions, registerEndedSessionRoute } from './identity/ended-sessions.ts';
import { oncePerRequest } from './identity/per-request.ts';
import { createImages } from './images/create-images.ts';
import { sweepExpiredOidcPayloads } from './issuer/adapter.ts';
import { registerIssuer } from './issuer/routes.ts';
import { createJobCatalogue, type JobCatalogue, type ScheduledBackup } from './jobs/tasks.ts';
import { RateLimits } from './limits/rate-limits.ts';
import { SignInGuard } from './limits/sign-in.ts';
import { createLimitStore } from './limits/store.ts';
import { registerMcpRoute } from './mcp/http.ts';
import { domainOutcome } from './observation.ts';
import { DevHeaderIdentity, IdentityChain } from './rpc/identity.ts';
import { createRpc } from './rpc/router.ts';
import { apiServices } from './rpc/services.ts';
import { CachingSearchEngine } from './search/cache.ts';
import { MemorySearchEngine } from './search/memory/memory.engine.ts';
import { PostgresSearchEngine } from './search/postgres.engine.ts';
import { DataAccess } from './stores/database.ts';

export interface ApiDependencies {
  /** For requests: its statements may be bounded (DATABASE_QUERY_TIMEOUT_MS). */
  db: Kysely<Database>;
  /** For long work, unbounded: the in-memory search index's load and the search jobs. Default: `db`. */
  background?: Kysely<Database>;
  telemetry: Telemetry;
  devAuth: boolean;
  searchCache: { size: number; ttlMs: number };
  /** memory: searches answered from an index in this process (load it with `Api.searchIndex.start()`); default postgres. */
  searchEngine?: 'memory' | 'postgres';
  publicUrl: string;
  oidc: OidcConfig;
  /** null: generated once and kept in the database. */
  sessionSecret: string | null;
  trustProxy: boolean;
  images: ImageConfig;
  /** MCP tool calls allowed per caller per minute. */
  mcpRateLimit: number;
  /** Shared rate limits and sign-in back-off; PostgreSQL counters use `pool`. */
  rateLimits: RateLimitConfig;
  pool: DatabaseHandle['pool'];
  /** Browser origins besides PUBLIC_URL's that may call /mcp. */
  mcpAllowedOrigins: string[];
  /** The worker's scheduled backup; null or absent: none. */
  backup?: ScheduledBackup | null;
  /** Days audit events (role changes, account deletions) are kept; 0: for good. Default 730. */
  auditRetentionDays?: number;
  /** Hours a data export's download link works (EXPORT_LINK_TTL_HOURS). Default 72. */
  exportLinkTtlHours?: number;
  /** How recent an external sign-in must be to delete one's account (REAUTH_MAX_AGE_MINUTES). Default 10. */
  reauthMaxAgeMinutes?: number;
}

/** What the platform drives of an in-memory search index. */
export interface SearchIndex {
  /** Loads the index (resolves when searches are answered from memory) and follows changes until `signal` aborts. */
  start(signal?: AbortSignal): Promise<void>;
  /** The index changed in PostgreSQL (a notification): catch up now. */
  changed(): Promise<void>;
  readonly loaded: boolean;
}

export interface Api {
  data: DataAccess;
  recipes: RecipeController;
  ratings: RatingController;
  search: SearchController;
  users: UserController;
  /** The search engine's result cache: clear it when the index changes. */
  searchCache: CachingSearchEngine;
  /** The in-memory search index (SEARCH_ENGINE=memory): loaded by API roles, told when the index changed. */
  searchIndex: SearchIndex | null;
  /** The background tasks and their schedules, for the worker. */
  jobs: JobCatalogue;
  signIn: SignInSettings;
  images: ImageController;
  /** Recipe imports (ImportRecipe): tests let their local pages through its guard. */
  importer: ImportController;
  /** Where originals live and how image URLs are signed (shared with the img role in one process). */
  media: { storage: ObjectStorage; keys: ImgproxyKeys };
  /** The API's services in this process, through the same interceptors as over HTTP. */
  transport: Transport;
  /** Mounts the Connect services under /api, MCP at /mcp (and the built-in issuer under /oidc). */
  register(app: FastifyInstance): Promise<void>;
  /** Closes what the API holds open besides the database (the rate limits' Redis connection). */
  stop(): Promise<void>;
}

/** Wires stores, engines, identity, controllers and handlers together: the API's composition root. */
export async function createApi(deps: ApiDependencies): Promise<Api> {
  const { telemetry, oidc } = deps;
  const data = new DataAccess(deps.db, telemetry);
  const background = deps.background ?? deps.db;
  const controller = <T extends object>(name: string, target: T) =>
    instrument('controller', name, target, telemetry, domainOutcome);

  const memory =
    deps.searchEngine === 'memory'
      ? new MemorySearchEngine(background, {
          // results cached before a change reached this process's index are dropped once it has
          onApplied: () => searchCache.invalidate(),
          onError: (err, what) => telemetry.logger.warn({ err, what }, 'search index: background work failed; retrying'),
        })
      : null;
  const engine = memory
    ? instrument('search', 'MemorySearchEngine', memory, telemetry, domainOutcome)
    : instrument('search', 'PostgresSearchEngine', new PostgresSearchEngine(deps.db), telemetry, domainOutcome);
  const searchCache = new CachingSearchEngine(engine, {
    ...deps.searchCache,
    hits: telemetry.metrics.searchCacheHits,
    misses: telemetry.metrics.searchCacheMisses,
  });
  const recipes = controller('RecipeController', new RecipeController(data));
  const ratings = controller('RatingController', new RatingController(data));
  const search = controller('SearchController', new SearchController(searchCache, data));

  const sessionSecret =
    deps.sessionSecret ?? (await data.stores.meta.getOrCreate('session_secret', () => randomBytes(32).toString('base64url')));
  const signIn = signInSettings({ publicUrl: deps.publicUrl, oidc }, sessionSecret);

  const limitStore = createLimitStore(deps.rateLimits, deps.pool, telemetry.logger);
  const limits = new RateLimits(limitStore, { ...deps.rateLimits, mcp: deps.mcpRateLimit }, telemetry.logger);
  const signInGuard = new SignInGuard(limitStore, telemetry.logger);
  const users = controller(
    'UserController',
    new UserController(data, {
      rolesFromIssuer: oidc.rolesClaim !== null,
      reauthMaxAgeMs: (deps.reauthMaxAgeMinutes ?? 10) * 60_000,
      guard: signInGuard,
    }),
  );

  const endedSessions = new EndedWebSessions(data.stores.webSessions);
  const { issuer, tokens } = await createIdentity({
    db: deps.db,
    data,
    users,
    telemetry,
    publicUrl: deps.publicUrl,
    oidc,
    signIn,
    trustProxy: deps.trustProxy,
    endedSessions,
    signInGuard,
    observe: controller,
  });

  const images = await createImages({
    data,
    config: deps.images,
    publicUrl: deps.publicUrl,
    sessionSecret,
    logger: telemetry.logger,
    observe: controller,
  });
  const importer = controller(
    'ImportController',
    new ImportController({
      recipes,
      images: images.controller,
      imageMaxBytes: deps.images.maxBytes,
      logger: telemetry.logger,
    }),
  );
  const exports = controller(
    'ExportController',
    new ExportController(data, {
      storage: images.media.storage,
      links: exportLinks(deriveSecret(sessionSecret, 'export-links'), deps.publicUrl),
      linkTtlMs: (deps.exportLinkTtlHours ?? 72) * 60 * 60_000,
      logger: telemetry.logger,
    }),
  );
  // Once per page rendered in this process (identity/per-request.ts), not once per RPC.
  const identity = oncePerRequest(
    new IdentityChain([tokens, new DevHeaderIdentity({ enabled: deps.devAuth, users: data.stores.users })]),
  );
  const rpc = createRpc({
    services: apiServices(
      {
        recipes,
        ratings,
        search,
        images: images.controller,
        users,
        exports,
        audit: controller('AuditController', new AuditController(data)),
        collections: controller('CollectionController', new CollectionController(data)),
        importer,
        shoppingLists: controller('ShoppingListController', new ShoppingListController(data)),
        mealPlans: controller(
          'MealPlanController',
          new MealPlanController(data, {
            // the meal plan adds a week's recipes through the shopping list's own rules
            shopping: controller('ShoppingListController', new ShoppingListController(data)),
            publicUrl: deps.publicUrl,
          }),
        ),
        telemetry: controller('TelemetryController', new TelemetryController(telemetry.metrics)),
      },
      recipeConverter(images.urls),
    ),
    identity,
    owners: {
      ownerOf: async (resource, id) => {
        if (resource === 'user') return (await data.stores.users.get(id))?.id ?? null;
        if (resource === 'export') return data.stores.exports.ownerOf(id);
        return data.stores.recipes.ownerOf(id);
      },
    },
    telemetry,
    idempotency: data,
    limits,
  });
  return {
    data,
    recipes,
    ratings,
    search,
    users,
    searchCache,
    searchIndex: memory,
    jobs: createJobCatalogue({
      ratings,
      // Indexing and the lexicon's rebuild are not requests: not cut short by the request bound.
      search:
        memory || background === deps.db
          ? engine
          : instrument('search', 'PostgresSearchEngine', new PostgresSearchEngine(background), telemetry, domainOutcome),
      images: images.controller,
      exports,
      backup: deps.backup ?? null,
      sweepAudit: async () => {
        const days = deps.auditRetentionDays ?? 730;
        return days > 0 ? data.stores.audit.sweep(days) : 0;
      },
      sweepIssuer: async () =>
        (await sweepExpiredOidcPayloads(deps.db)) +
        (await data.stores.webSessions.sweep()) +
        (await data.stores.idempotency.sweep()),
    }),
    signIn,
    images: images.controller,
    importer,
    media: images.media,
    transport: rpc.transport,
    async register(app) {
      if (issuer) {
        await registerIssuer(app, issuer.provider, issuer.accounts, {
          publicUrl: deps.publicUrl,
          audience: signIn.audience,
          guard: signInGuard,
        });
      }
      await images.register(app);
      registerExportRoute(app, exports);
      await rpc.register(app);
      registerEndedSessionRoute(app, {
        codec: webSessionCodec(signIn.sessionSecret),
        ended: endedSessions,
        publicUrl: deps.publicUrl,
      });
      await registerMcpRoute(app, {
        transport: rpc.transport,
        identity,
        publicUrl: deps.publicUrl,
        issuer: signIn.issuer,
        scopes: signIn.scopes.split(' '),
        telemetry,
        limits,
        allowedOrigins: [new URL(deps.publicUrl).origin, ...deps.mcpAllowedOrigins],
      });
    },
    stop: () => limitStore.close(),
  };
}
