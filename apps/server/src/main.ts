#!/usr/bin/env node
// First: it registers the tracing SDK, when configured, before anything it instruments is loaded.
import { stopTracing } from './tracing.ts';
import { parseArgs } from 'node:util';
import type { Config, Logger } from '@yeet/platform';
// Everything else is imported by the command that needs it: `yeet import-html` runs once per
// page when an importer is scored, and `yeet help` should not load the platform.

const usage = `Eat or Yeet

Usage:
  yeet [start] [--role <role>] [--build]     run the platform: all (the default: everything, embedded database),
                                             api, web, worker or img; --build builds the web app first when its
                                             sources changed (npm start), while the database starts
  yeet migrate                               apply database migrations to DATABASE_URL and exit
  yeet login                                 sign this computer in (a code to confirm in the browser), for:
  yeet mcp --stdio                           MCP server on stdin/stdout for a desktop assistant, using the
                                             platform at PUBLIC_URL (or API_URL) as the signed-in person (or
                                             MCP_ACCESS_TOKEN)
  yeet token                                 print a fresh access token of that sign-in (Authorization: Bearer …)
  yeet logout                                forget and revoke this computer's sign-in
  yeet backup [--to <dir|s3://bucket/prefix>] write one archive of everything (database and images) to BACKUP_DIR,
                                             BACKUP_S3_BUCKET or the place given
  yeet restore <archive> [--replace]         restore an archive (a file or s3://bucket/key) into an empty database and
                                             image storage; --replace empties a non-empty one first
  yeet import-html <url>                     read a recipe from a page's HTML on stdin (parse only, no network) and
                                             print it as JSON; the URL resolves the page's relative links
  yeet help

Settings come from environment variables; see the README's configuration table. login, token, logout and
mcp talk to the platform at PUBLIC_URL (mcp: API_URL when set) and name it on stderr; backup and restore name
the database (DATABASE_URL, or the embedded one under DATA_DIR) and the image storage there.`;

async function main(): Promise<number> {
  // React, loaded when the web app first renders, picks its production build by NODE_ENV:
  // the development build renders several times slower. Production unless told otherwise.
  process.env.NODE_ENV ??= 'production';
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: {
      role: { type: 'string' },
      build: { type: 'boolean' },
      stdio: { type: 'boolean' },
      to: { type: 'string' },
      replace: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  const command = positionals[0] ?? 'start';
  if (values.help || command === 'help') {
    console.log(usage);
    return 0;
  }
  // Needs no configuration, and loads only the parser: it runs once per page when scoring.
  if (command === 'import-html')
    return (await import('./import-html.ts')).importHtmlCommand(positionals.length > 1 ? positionals.at(-1) : undefined);

  const { ConfigError, createLogger, loadConfig } = await import('@yeet/platform');
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
      return start(config, logger, Boolean(values.build));
    case 'migrate':
      return migrate(config, logger);
    case 'mcp':
      return mcp(config, Boolean(values.stdio));
    case 'login':
      return login(config);
    case 'token':
      return token(config);
    case 'logout':
      return logout(config);
    case 'backup':
      return (await import('./backup/cli.ts')).backupCommand(config, values.to);
    case 'restore':
      if (!positionals[1]) {
        console.error('Which archive? yeet restore <file or s3://bucket/key> [--replace]');
        return 2;
      }
      return (await import('./backup/cli.ts')).restoreCommand(config, positionals[1], Boolean(values.replace));
    default:
      console.error(`Unknown command "${command}".\n\n${usage}`);
      return 2;
  }
}

async function start(config: Config, logger: Logger, build: boolean): Promise<number> {
  (await import('./heap-growth.ts')).boundHeapGrowth(config.heapGrowingPercent);
  const { runUntilSignal } = await import('./lifecycle.ts');
  const { startPlatform } = await import('./platform.ts');
  const webBuild = build ? (await import('./web-build.ts')).startWebBuild(logger) : null;
  let code: number;
  try {
    code = await runUntilSignal(
      (stopRequested) => {
        stopRequested.addEventListener('abort', () => void webBuild?.stop());
        return startPlatform(config, logger, webBuild ? { webBuild: webBuild.done } : {});
      },
      { logger, timeoutMs: config.shutdownTimeoutMs },
    );
  } finally {
    // A start that failed elsewhere leaves no build running behind it.
    await webBuild?.stop();
  }
  await stopTracing();
  logger.info('stopped');
  return code;
}

/** stdout carries the protocol, so everything else goes to stderr. */
async function mcp(config: Config, stdio: boolean): Promise<number> {
  if (!stdio) {
    console.error(
      '"yeet mcp" runs over stdio only: yeet mcp --stdio. Remote assistants use POST <PUBLIC_URL>/mcp of a running platform.',
    );
    return 2;
  }
  const { createLogger, createMetrics, createRateLimiter } = await import('@yeet/platform');
  const { serveMcpOverStdio } = await import('@yeet/api');
  const { createConnectTransport } = await import('@connectrpc/connect-node');
  const { CliAuth } = await import('./cli-auth.ts');
  const { apiPlatform, sayPlatform } = await import('./cli-platform.ts');
  const logger = createLogger({ level: config.logLevel, destination: process.stderr });
  const fixed = config.mcp.accessToken;
  const auth = new CliAuth(config);
  const signedIn = fixed !== null || (await auth.accessToken().catch(() => null)) !== null;
  const platform = apiPlatform(config);
  sayPlatform(
    platform,
    fixed !== null ? ', as MCP_ACCESS_TOKEN' : signedIn ? `, signed in at ${auth.issuer}` : ', not signed in',
  );
  if (!signedIn) logger.warn('not signed in ("yeet login", or MCP_ACCESS_TOKEN): only the public tools (search, read) will work');
  await serveMcpOverStdio({
    transport: createConnectTransport({ baseUrl: `${platform.url}/api`, httpVersion: '1.1', useBinaryFormat: true }),
    credentials: async (): Promise<Record<string, string>> => {
      const bearer = fixed ?? (await auth.accessToken());
      return bearer ? { authorization: `Bearer ${bearer}` } : {};
    },
    publicUrl: config.publicUrl,
    telemetry: { logger, metrics: createMetrics({ defaultMetrics: false }) },
    limiter: createRateLimiter({ limit: config.mcp.rateLimit, windowMs: 60_000 }),
  });
  return 0;
}

async function login(config: Config): Promise<number> {
  const { CliAuth } = await import('./cli-auth.ts');
  const { credentialsPath } = await import('./credential-store.ts');
  const auth = new CliAuth(config);
  await sayIssuer(config, auth);
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  try {
    const signedIn = await auth.login((line) => console.log(line), abort.signal);
    console.log(`Signed in${signedIn.name ? ` as ${signedIn.name}` : ''} at ${auth.issuer}; kept in ${credentialsPath()}.`);
    console.log('"yeet mcp --stdio" and "yeet token" use this sign-in; "yeet logout" ends it.');
    return 0;
  } catch (error) {
    if (abort.signal.aborted) return 130;
    console.error(`Sign-in did not complete: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

async function token(config: Config): Promise<number> {
  const { CliAuth } = await import('./cli-auth.ts');
  const auth = new CliAuth(config);
  await sayIssuer(config, auth);
  const value = await auth.accessToken();
  if (!value) {
    console.error(`Not signed in at ${auth.issuer} (or the sign-in has expired): run "yeet login" with the same PUBLIC_URL.`);
    return 1;
  }
  console.log(value);
  return 0;
}

async function logout(config: Config): Promise<number> {
  const { CliAuth } = await import('./cli-auth.ts');
  const auth = new CliAuth(config);
  await sayIssuer(config, auth);
  console.log((await auth.logout()) ? `Signed out of ${auth.issuer}.` : 'This computer was not signed in.');
  return 0;
}

/** login, token, logout: the site they talk to, and its issuer when that is elsewhere (OIDC_ISSUER). */
async function sayIssuer(config: Config, auth: { issuer: string }): Promise<void> {
  const { sayPlatform, sitePlatform } = await import('./cli-platform.ts');
  sayPlatform(sitePlatform(config), config.oidc.issuer ? `, signing in at ${auth.issuer} (OIDC_ISSUER)` : '');
}

async function migrate(config: Config, logger: Logger): Promise<number> {
  if (!config.database.url) {
    console.error('DATABASE_URL is not set. (The embedded database migrates itself on "start".)');
    return 2;
  }
  const { connectDatabase, migrateToLatest } = await import('@yeet/db');
  const { migrateJobQueue } = await import('@yeet/worker');
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
