import type { Config } from '@yeet/platform';

/** The running platform a command-line tool talks to, and the setting that named it. */
export interface CliPlatform {
  url: string;
  /** Where the URL came from, as the person would set it: "PUBLIC_URL", "API_URL", or the default's reason. */
  from: string;
}

type Env = Record<string, string | undefined>;

/**
 * The platform of `yeet login`, `token` and `logout`: the site at PUBLIC_URL, whose issuer
 * (`<PUBLIC_URL>/oidc`, or OIDC_ISSUER) signs this computer in.
 */
export function sitePlatform(config: Pick<Config, 'publicUrl' | 'port'>, env: Env = process.env): CliPlatform {
  return {
    url: config.publicUrl,
    from: env.PUBLIC_URL ? 'PUBLIC_URL' : `PUBLIC_URL is not set: the default for PORT=${config.port}`,
  };
}

/**
 * The API `yeet mcp --stdio` calls: API_URL when set (an API process of a split deployment),
 * else the site at PUBLIC_URL, which serves the API too. Not the server's own default
 * (127.0.0.1:<PORT>): a command run on a laptop means the platform PUBLIC_URL names.
 */
export function apiPlatform(config: Pick<Config, 'publicUrl' | 'apiUrl' | 'port'>, env: Env = process.env): CliPlatform {
  return env.API_URL ? { url: config.apiUrl, from: 'API_URL' } : sitePlatform(config, env);
}

/**
 * Says on stderr, in one line, which platform a command talks to: stdout stays the
 * command's own (a token, the MCP protocol).
 */
export function sayPlatform(platform: CliPlatform, also = ''): void {
  process.stderr.write(`yeet: talking to ${platform.url} (${platform.from})${also}\n`);
}

/**
 * The data `yeet backup` and `yeet restore` read or write, in words, with the settings that
 * named each: the database (DATABASE_URL without its password, or the embedded one under
 * DATA_DIR) and the image storage (a directory, or an S3 bucket).
 */
export function dataPlatform(config: Pick<Config, 'database' | 'dataDir' | 'images'>, env: Env = process.env): string {
  const database = config.database.url
    ? `the database at ${withoutSecrets(config.database.url)} (DATABASE_URL)`
    : `the embedded database in ${config.dataDir}/pg (DATABASE_URL is not set: under DATA_DIR)`;
  const storage = config.images.storage;
  const images =
    storage.kind === 's3'
      ? `the images in s3://${storage.bucket}${storage.endpoint ? ` at ${storage.endpoint}` : ''} (S3_BUCKET)`
      : `the images in ${storage.dir} (${env.IMAGE_DIR ? 'IMAGE_DIR' : 'IMAGE_DIR is not set: under DATA_DIR'})`;
  return `${database} and ${images}`;
}

/** A connection URL as it can be shown: no password, no parameters (which may carry one). */
function withoutSecrets(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'an unreadable URL';
  }
}

/** Says on stderr, in one line, which data a backup or restore works on: stdout stays the command's report. */
export function sayData(config: Pick<Config, 'database' | 'dataDir' | 'images'>, env: Env = process.env): void {
  process.stderr.write(`yeet: talking to ${dataPlatform(config, env)}\n`);
}
