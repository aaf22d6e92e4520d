import { createApi, createStorage, imageSizes, searchChangedChannel, type Api, type SearchIndex } from '@yeet/api';
import { listen, type DatabaseHandle } from '@yeet/db';
import { DiskCache, registerResizer, tuneImageLibrary } from '@yeet/img';
import { keysFromHex } from '@yeet/media';
import { createMetrics, RecentCache, signInSettings, type Config, type Logger, type Telemetry } from '@yeet/platform';
import { startWorker } from '@yeet/worker';
import type { FastifyInstance } from 'fastify';
import { scheduledBackup } from './backup/index.ts';
import { openDatabase } from './database.ts';
import { registerDatabaseMetrics } from './database-metrics.ts';
import { seedDemo } from './demo/seed.ts';
import { registerErrorBodies } from './error-bodies.ts';
import { createHttpServer, createMetricsServer } from './http-server.ts';
import { Lifecycle } from './lifecycle.ts';
import { Admission, registerAdmission } from './overload.ts';
import { databaseCheck, registerMetrics, registerProbes, type ReadinessCheck } from './probes.ts';
import { needsDatabase, runs } from './roles.ts';
import { pagePolicy, registerSecurityHeaders } from './security-headers.ts';
import { registerWeb, type PageCache } from './web.ts';
import { registerWebSessions } from './web-session.ts';
import { superviseWorker } from './worker-supervisor.ts';

export interface Platform {
  /** Every route of the role, ready; `app.inject()` reaches them without a port. */
  app: FastifyInstance;
  /** The API's composition, in a process with a database (roles `all`, `api`, `worker`). */
  api: Api | null;
  database: DatabaseHandle | null;
  /** Stops what the platform started: the HTTP server first, the embedded PostgreSQL last. */
  stop(): Promise<void>;
  /** Resolves once a part has failed and cannot recover by itself: the process should stop and exit non-zero. */
  failed: Promise<Error>;
  /** Where GET /metrics is served: `app`, or with METRICS_PORT a server of its own (not listening yet either). */
  metricsApp: FastifyInstance;
}

export interface RunningPlatform extends Platform {
  /** Where this process listens, e.g. http://127.0.0.1:3000. */
  url: string;
  /** Where its metrics are: `${url}/metrics`, or on METRICS_PORT. */
  metricsUrl: string;
}

export interface PlatformOptions {
  /** The web app's build under way (`yeet start --build`): awaited before the pages are served, the database started meanwhile. */
  webBuild?: Promise<void>;
}

/**
 * Builds the parts of the platform that `config.role` asks for on one Fastify instance,
 * without listening: the database (migrated), the API, the worker, the image resizer and
 * the web app. `all` runs everything (the embedded default), the others one part each.
 */
export async function buildPlatform(config: Config, logger: Logger, options: PlatformOptions = {}): Promise<Platform> {
  const telemetry: Telemetry = { logger, metrics: createMetrics() };
  const lifecycle = new Lifecycle(logger);
  // Before anything renders: uploads, the demo's covers and /_img share libvips in this process.
  tuneImageLibrary(config.images);
  try {
    const database = needsDatabase(config.role) ? await openDatabase(config, telemetry, lifecycle) : null;
    // The API's composition also carries the background tasks the worker runs.
    const api = database
      ? await createApi({
          db: database.requests.db,
          background: database.handle.db,
          telemetry,
          devAuth: config.devAuth,
          searchCache: config.searchCache,
          searchEngine: config.searchEngine,
          publicUrl: config.publicUrl,
          oidc: config.oidc,
          sessionSecret: config.sessionSecret,
          trustProxy: config.trustProxy,
          images: config.images,
          mcpRateLimit: config.mcp.rateLimit,
          rateLimits: config.rateLimits,
          pool: database.requests.pool,
          mcpAllowedOrigins: config.mcp.allowedOrigins,
          backup: scheduledBackup(config, database.handle.db),
          auditRetentionDays: config.auditRetentionDays,
          exportLinkTtlHours: config.exportLinkTtlHours,
          reauthMaxAgeMinutes: config.reauthMaxAgeMinutes,
        })
      : null;
    // Stopped after the HTTP server (registered before it): no request counts against a closed store.
    if (api) lifecycle.onStop(() => api.stop());
    const pageCache: PageCache = new RecentCache(config.pageCache);
    if (api && database && runs.api(config.role)) {
      lifecycle.onStop(dropCachesOnSearchChange(database.url, api, pageCache, logger));
      if (config.seedDemo === 'always' || (config.seedDemo === 'auto' && database.embedded)) await seedDemo(api, logger);
      if (api.searchIndex) await startSearchIndex(api.searchIndex, lifecycle, logger);
    } else if (runs.web(config.role) && config.database.url) {
      // A web replica given DATABASE_URL hears the same notices (it runs no query of its own).
      lifecycle.onStop(dropCachesOnSearchChange(config.database.url, null, pageCache, logger));
    }
    if (api && database && runs.worker(config.role)) {
      const worker = await superviseWorker(
        () =>
          startWorker({
            pool: database.handle.pool,
            catalogue: api.jobs,
            logger,
            metrics: telemetry.metrics,
            concurrency: config.workerConcurrency,
            stopping: () => lifecycle.stopping,
          }),
        logger,
      );
      lifecycle.onStop(() => worker.stop());
    }

    const app = createHttpServer(config, logger, telemetry.metrics);
    lifecycle.onStop(() => app.close());
    const admission = new Admission(config.overload, telemetry.metrics);
    registerAdmission(app, admission);
    registerSecurityHeaders(app, config);
    registerErrorBodies(app);
    registerProbes(
      app,
      database
        ? [
            databaseCheck(database.handle.db),
            ...(api?.searchIndex && runs.api(config.role) ? [searchIndexCheck(api.searchIndex)] : []),
          ]
        : [],
      logger,
    );
    const metricsApp = config.metricsPort === null ? app : createMetricsServer(logger);
    if (metricsApp !== app) lifecycle.onStop(() => metricsApp.close());
    registerMetrics(metricsApp, telemetry.metrics);
    if (database) registerDatabaseMetrics(database.handle.pool, databaseCheck(database.handle.db), telemetry.metrics);
    if (api && runs.api(config.role)) await api.register(app);
    if (runs.img(config.role)) await registerImages(app, config, api, telemetry);
    if (runs.web(config.role)) {
      await options.webBuild;
      // The web role alone has no database: its settings come from the configuration.
      const settings = api?.signIn ?? signInSettings(config, configured(config.sessionSecret, 'SESSION_SECRET'));
      // With the API in this process, pages reach it in memory rather than over a socket.
      const local = api && runs.api(config.role) ? api : null;
      const sessions = await registerWebSessions(app, settings, {
        publicUrl: config.publicUrl,
        apiUrl: config.apiUrl,
        logger,
        ...(local ? { api: app } : {}),
      });
      await registerWeb(app, {
        apiUrl: config.apiUrl,
        publicUrl: config.publicUrl,
        sessions,
        pageCache,
        ...(local ? { apiTransport: local.transport } : {}),
        admission,
        policy: pagePolicy(config),
      });
    }
    await app.ready();
    await metricsApp.ready();
    return { app, api, database: database?.handle ?? null, stop: () => lifecycle.stop(), failed: lifecycle.failed, metricsApp };
  } catch (error) {
    await lifecycle.stop();
    throw error;
  }
}

/** The platform of `buildPlatform`, listening on `config.port`. */
export async function startPlatform(config: Config, logger: Logger, options: PlatformOptions = {}): Promise<RunningPlatform> {
  const platform = await buildPlatform(config, logger, options);
  try {
    await platform.app.listen({ port: config.port, host: config.host });
    if (config.metricsPort !== null) await platform.metricsApp.listen({ port: config.metricsPort, host: config.host });
  } catch (error) {
    await platform.stop();
    throw error;
  }
  const url = localUrl(config, platform.app);
  const metricsUrl = `${localUrl(config, platform.metricsApp)}/metrics`;
  // The address to open is PUBLIC_URL's: pages answer there (elsewhere they redirect to it).
  logger.info({ url: config.publicUrl, listening: url }, 'Eat or Yeet is ready');
  if (config.metricsPort !== null) logger.info({ metricsUrl }, 'metrics are served on METRICS_PORT only');
  return { ...platform, url, metricsUrl };
}

/** Longest the start waits for the in-memory search index before listening (readiness waits for all of it). */
const searchIndexWaitMs = 10_000;

/**
 * Loads the in-memory search index, retrying while it fails. A small index is loaded before
 * the server listens; a large one keeps loading while /healthz answers and /readyz says
 * unavailable (see searchIndexCheck) — until then searches are answered by PostgreSQL.
 */
async function startSearchIndex(index: SearchIndex, lifecycle: Lifecycle, logger: Logger): Promise<void> {
  const stopping = new AbortController();
  lifecycle.onStop(async () => stopping.abort());
  const loading = (async () => {
    for (;;) {
      try {
        const started = Date.now();
        await index.start(stopping.signal);
        logger.info({ ms: Date.now() - started }, 'search index loaded');
        return;
      } catch (err) {
        if (lifecycle.stopping) return;
        logger.error({ err }, 'search index failed to load; retrying in 5 s');
        await new Promise((r) => setTimeout(r, 5_000));
      }
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([loading, new Promise((r) => (timer = setTimeout(r, searchIndexWaitMs)))]);
  clearTimeout(timer);
}

/** Ready once the in-memory search index has loaded. */
function searchIndexCheck(index: SearchIndex): ReadinessCheck {
  return {
    name: 'search_index',
    async check() {
      if (!index.loaded) throw new Error('the search index is still loading');
    },
  };
}

/** How this machine reaches a listening server, e.g. http://127.0.0.1:3000. */
function localUrl(config: Config, server: FastifyInstance): string {
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`;
}

/**
 * Cached search results are dropped whenever the index changes, in any process; so are
 * cached pages rendered here (publishing, edits and ratings all reach the index). A web
 * role on its own does the same for its pages when it has DATABASE_URL, else relies on
 * their short life (PAGE_CACHE_TTL_MS). Returns what stops listening.
 */
function dropCachesOnSearchChange(
  databaseUrl: string,
  api: Api | null,
  pageCache: PageCache,
  logger: Logger,
): () => Promise<void> {
  const cache = api?.searchCache;
  const listener = listen(databaseUrl, searchChangedChannel, {
    onNotify: () => {
      cache?.invalidate();
      pageCache.clear();
      // an in-memory index reads the change, then drops what was cached meanwhile
      void api?.searchIndex?.changed().then(
        () => pageCache.clear(),
        (err: unknown) => logger.warn({ err }, 'search index could not catch up; it retries within seconds'),
      );
    },
    onState: (connected) => {
      cache?.invalidate(connected);
      pageCache.clear(connected);
    },
    onError: (err) => logger.warn({ err }, 'search change listener lost its connection; retrying'),
  });
  return () => listener.close();
}

/** The resizer under /_img. Alone, the img role needs no database: its keys come from the configuration. */
async function registerImages(
  app: FastifyInstance,
  config: Config,
  api: Api | null,
  { logger, metrics }: Telemetry,
): Promise<void> {
  let media = api?.media;
  if (!media) {
    const { key, salt } = configured(config.images.imgproxy, 'IMGPROXY_KEY and IMGPROXY_SALT');
    media = { storage: createStorage(config.images), keys: keysFromHex(key, salt) };
  }
  registerResizer(app, {
    ...media,
    cache: await DiskCache.open(config.images.cache.dir, config.images.cache.maxBytes),
    sizes: imageSizes,
    maxPixels: config.images.maxPixels,
    concurrency: config.images.concurrency,
    queue: config.images.queue,
    logger,
    metrics,
  });
}

/** A setting loadConfig requires for a role that runs a part without the API (web, img alone). */
function configured<T>(value: T | null, name: string): T {
  if (value === null) throw new Error(`${name} must be set to run this part of the platform without the API`);
  return value;
}
