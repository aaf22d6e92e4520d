import { createApi, createStorage, imageSizes, searchChangedChannel, type Api } from '@yeet/api';
import { DiskCache, registerResizer } from '@yeet/img';
import { keysFromHex } from '@yeet/media';
import {
  connectDatabase,
  listen,
  migrateToLatest,
  startEmbeddedPostgres,
  type DatabaseHandle,
  type EmbeddedDatabase,
} from '@yeet/db';
import { createMetrics, RecentCache, signInSettings, type Config, type Logger, type Telemetry } from '@yeet/platform';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { migrateJobQueue, registerQueueMetrics, startWorker } from '@yeet/worker';
import { seedDemo } from './demo/seed.ts';
import { DualProtocolServer } from './dual-protocol.ts';
import { databaseCheck, registerProbes, type ReadinessCheck } from './probes.ts';
import { registerWeb, type PageCache } from './web.ts';
import { registerWebSessions } from './web-session.ts';

export interface Platform {
  /** Where this process listens, e.g. http://127.0.0.1:3000. */
  url: string;
  app: FastifyInstance;
  api: Api | null;
  database: DatabaseHandle | null;
  stop(): Promise<void>;
}

const runs = {
  api: (role: Config['role']) => role === 'all' || role === 'api',
  web: (role: Config['role']) => role === 'all' || role === 'web',
  worker: (role: Config['role']) => role === 'all' || role === 'worker',
  img: (role: Config['role']) => role === 'all' || role === 'img',
};

/**
 * Starts the parts of the platform that `config.role` asks for, in one process on one
 * port: `all` runs everything (the embedded default), the others one part each.
 */
export async function startPlatform(config: Config, logger: Logger): Promise<Platform> {
  const telemetry: Telemetry = { logger, metrics: createMetrics() };
  const cleanup: Array<() => Promise<void>> = [];
  let stopping = false;
  const stop = async () => {
    stopping = true;
    for (const step of cleanup.reverse()) {
      await step().catch((err: unknown) => logger.error({ err }, 'error while stopping'));
    }
  };

  try {
    const needsDatabase = runs.api(config.role) || runs.worker(config.role);
    let database: DatabaseHandle | null = null;
    let embedded: EmbeddedDatabase | null = null;
    let databaseUrl = '';
    if (needsDatabase) {
      ({ database, embedded, url: databaseUrl } = await openDatabase(config, logger, () => stopping));
      const db = database;
      cleanup.push(() => db.close());
      if (embedded) {
        const e = embedded;
        cleanup.unshift(() => e.stop()); // stopped last, after everything using it
      }
      const applied = await migrateToLatest(db.db);
      if (applied.length) logger.info({ migrations: applied }, 'applied database migrations');
      await migrateJobQueue(db.pool, logger);
      registerQueueMetrics(db.pool, telemetry.metrics);
    }

    const checks: ReadinessCheck[] = database ? [databaseCheck(database.db)] : [];
    // The API's composition also carries the background tasks the worker runs.
    const api: Api | null = database
      ? await createApi({
          db: database.db,
          telemetry,
          devAuth: config.devAuth,
          searchCache: config.searchCache,
          publicUrl: config.publicUrl,
          oidc: config.oidc,
          sessionSecret: config.sessionSecret,
          trustProxy: config.trustProxy,
          images: config.images,
          mcpRateLimit: config.mcp.rateLimit,
        })
      : null;
    const pageCache: PageCache = new RecentCache(config.pageCache);
    if (api && database && runs.api(config.role)) {
      // Cached search results are dropped whenever the index changes, in any process; so
      // are cached pages rendered here (publishing, edits and ratings all reach the index). A web
      // role on its own relies on the pages' short life instead.
      const cache = api.searchCache;
      const listener = listen(databaseUrl, searchChangedChannel, {
        onNotify: () => {
          cache.invalidate();
          pageCache.clear();
        },
        onState: (connected) => {
          cache.invalidate(connected);
          pageCache.clear(connected);
        },
        onError: (err) =>
          stopping
            ? logger.debug({ err }, 'search change listener closed during shutdown')
            : logger.warn({ err }, 'search change listener lost its connection; retrying'),
      });
      cleanup.push(() => listener.close());
    }
    if (api && runs.api(config.role) && (config.seedDemo === 'always' || (config.seedDemo === 'auto' && embedded))) {
      await seedDemo(api, logger);
    }
    if (api && database && runs.worker(config.role)) {
      const worker = await startWorker({
        pool: database.pool,
        catalogue: api.jobs,
        logger,
        metrics: telemetry.metrics,
        concurrency: config.workerConcurrency,
        stopping: () => stopping,
      });
      cleanup.push(() => worker.stop());
    }

    const app = Fastify({
      loggerInstance: logger as FastifyBaseLogger,
      // One line per request comes from the onResponse hook below instead.
      logController: new LogController({ disableRequestLogging: true }),
      serverFactory: (handler) => new DualProtocolServer(handler as never) as never,
      forceCloseConnections: 'idle',
      trustProxy: config.trustProxy,
    });
    app.addHook('onResponse', async (req, reply) => {
      const level = reply.statusCode >= 500 ? 'error' : reply.statusCode >= 400 ? 'info' : 'debug';
      req.log[level]({ method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    });
    registerProbes(app, checks, telemetry.metrics);
    if (api && runs.api(config.role)) await api.register(app);
    if (runs.img(config.role)) {
      // Alone, the img role needs no database: its keys come from the configuration.
      const media = api?.media ?? {
        storage: createStorage(config.images),
        keys: keysFromHex(config.images.imgproxy!.key, config.images.imgproxy!.salt),
      };
      registerResizer(app, {
        ...media,
        cache: await DiskCache.open(config.images.cache.dir, config.images.cache.maxBytes),
        sizes: imageSizes,
        maxPixels: config.images.maxPixels,
        concurrency: config.images.concurrency,
        queue: config.images.queue,
        logger,
        metrics: telemetry.metrics,
      });
    }
    if (runs.web(config.role)) {
      // The web role alone has no database: its settings come from the configuration.
      const settings = api?.signIn ?? signInSettings(config, config.sessionSecret!);
      const sessions = await registerWebSessions(app, settings, { publicUrl: config.publicUrl, logger });
      await registerWeb(app, { apiUrl: config.apiUrl, publicUrl: config.publicUrl, sessions, pageCache });
    }
    cleanup.push(() => app.close());

    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`;
    logger.info({ role: config.role, url, publicUrl: config.publicUrl, embeddedDatabase: Boolean(embedded) }, 'Eat or Yeet is ready');
    return { url, app, api, database, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function openDatabase(
  config: Config,
  logger: Logger,
  stopping: () => boolean,
): Promise<{ database: DatabaseHandle; embedded: EmbeddedDatabase | null; url: string }> {
  let url = config.database.url;
  let embedded: EmbeddedDatabase | null = null;
  if (!url) {
    if (config.role !== 'all') {
      throw new Error(`--role ${config.role} needs DATABASE_URL: the embedded database runs only with --role all.`);
    }
    const pgLog = logger.child({ component: 'embedded-postgres' });
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.embeddedPgPort,
      log: (m) => pgLog.debug(m),
    });
    url = embedded.url;
    logger.info({ dataDir: config.dataDir, port: embedded.port, created: embedded.created }, 'embedded PostgreSQL is running');
  }
  const database = connectDatabase(url, {
    poolMax: config.database.poolMax,
    // Ctrl-C in a terminal reaches the embedded server too, which then closes our
    // connections while we shut down: expected then, worth a warning any other time.
    onPoolError: (err) =>
      stopping() ? logger.debug({ err }, 'database connection closed during shutdown') : logger.warn({ err }, 'idle database connection failed'),
  });
  return { database, embedded, url };
}
