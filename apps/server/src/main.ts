#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { connectDatabase, migrateToLatest } from '@yeet/db';
import { migrateJobQueue } from '@yeet/worker';
import { createConnectTransport } from '@connectrpc/connect-node';
import { serveMcpOverStdio } from '@yeet/api';
import { ConfigError, createLogger, createMetrics, createRateLimiter, loadConfig, type Config } from '@yeet/platform';
import { startPlatform } from './runtime.ts';

const usage = `Eat or Yeet

Usage:
  yeet [start] [--role all|api|web|worker]   run the platform (default: everything, embedded database)
  yeet migrate                               apply database migrations to DATABASE_URL and exit
  yeet mcp --stdio                           MCP server on stdin/stdout for a desktop assistant, using the
                                             platform at API_URL as the person MCP_ACCESS_TOKEN names
  yeet help

Settings come from environment variables; see the README's configuration table.`;

async function main(): Promise<number> {
  // React, loaded when the web app first renders, picks its production build by NODE_ENV:
  // the development build renders several times slower. Production unless told otherwise.
  process.env.NODE_ENV ??= 'production';
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { role: { type: 'string' }, stdio: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  const command = positionals[0] ?? 'start';
  if (values.help || command === 'help') {
    console.log(usage);
    return 0;
  }

  let config: Config;
  try {
    config = loadConfig(process.env, values.role ? { ROLE: values.role } : {});
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  const logger = createLogger({ level: config.logLevel, role: config.role });

  switch (command) {
    case 'start':
      return start(config, logger);
    case 'migrate':
      return migrate(config, logger);
    case 'mcp':
      return mcp(config, Boolean(values.stdio));
    default:
      console.error(`Unknown command "${command}".\n\n${usage}`);
      return 2;
  }
}

async function start(config: Config, logger: ReturnType<typeof createLogger>): Promise<number> {
  const platform = await startPlatform(config, logger);
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down');
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      resolve();
    };
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  });
  const forced = setTimeout(() => {
    logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown took too long; exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs);
  forced.unref();
  await platform.stop();
  logger.info('stopped');
  return 0;
}

/** stdout carries the protocol, so everything else goes to stderr. */
async function mcp(config: Config, stdio: boolean): Promise<number> {
  if (!stdio) {
    console.error('"yeet mcp" runs over stdio only: yeet mcp --stdio. Remote assistants use POST <PUBLIC_URL>/mcp of a running platform.');
    return 2;
  }
  const logger = createLogger({ level: config.logLevel, destination: process.stderr });
  const token = config.mcp.accessToken;
  if (!token) logger.warn('MCP_ACCESS_TOKEN is not set: only the public tools (search, read) will work');
  await serveMcpOverStdio({
    transport: createConnectTransport({ baseUrl: `${config.apiUrl}/api`, httpVersion: '1.1', useBinaryFormat: true }),
    credentials: async (): Promise<Record<string, string>> => (token ? { authorization: `Bearer ${token}` } : {}),
    publicUrl: config.publicUrl,
    telemetry: { logger, metrics: createMetrics({ defaultMetrics: false }) },
    limiter: createRateLimiter({ limit: config.mcp.rateLimit, windowMs: 60_000 }),
  });
  return 0;
}

async function migrate(config: Config, logger: ReturnType<typeof createLogger>): Promise<number> {
  if (!config.database.url) {
    console.error('DATABASE_URL is not set. (The embedded database migrates itself on "start".)');
    return 2;
  }
  const database = connectDatabase(config.database.url, { poolMax: 1 });
  try {
    const applied = await migrateToLatest(database.db);
    await migrateJobQueue(database.pool, logger);
    logger.info({ applied }, applied.length ? 'migrations applied' : 'database already up to date');
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    if (error instanceof Error && error.cause) console.error('cause:', error.cause);
    process.exitCode = 1;
  },
);
