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
