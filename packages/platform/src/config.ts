import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting, read once from the environment at start-up. A bad value stops the
 * process with a message naming the variable. The README's configuration table lists
 * the same variables; keep them in step.
 */
export const roles = ['all', 'api', 'web', 'worker', 'img'] as const;
export type ProcessRole = (typeof roles)[number];

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'use true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int({ error: 'must be a whole number' })
  .min(0, { error: 'must be between 0 and 65535' })
  .max(65535, { error: 'must be between 0 and 65535' });

const url = z.url({ error: 'must be an absolute URL, e.g. http://localhost:3000' });

const schema = z.object({
  PORT: port.default(3000),
  METRICS_PORT: port.optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  ROLE: z.enum(roles, { error: `use one of: ${roles.join(', ')}` }).default('all'),
  PUBLIC_URL: url.optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// connection URL' })
    .optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_QUERY_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_PG_PORT: port.default(0),
  SEED_DEMO: z.enum(['auto', 'always', 'never'], { error: 'use auto, always or never' }).default('auto'),
  API_URL: url.optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'use fatal, error, warn, info, debug, trace or silent',
    })
    .default('info'),
  DEV_AUTH: bool.default(false),
  TRUST_PROXY: bool.default(false),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  SESSION_SECRET: z.string().min(32, { error: 'must be at least 32 characters (e.g. openssl rand -base64 32)' }).optional(),
  OIDC_ISSUER: url.optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_AUDIENCE: z.string().min(1).optional(),
  OIDC_ROLES_CLAIM: z.string().min(1).optional(),
  OIDC_SCOPES: z.string().min(1).default('openid profile email offline_access'),
  OIDC_CLI_CLIENT_ID: z.string().min(1).optional(),
  IMAGE_STORAGE: z.enum(['dir', 's3'], { error: 'use dir or s3' }).default('dir'),
  IMAGE_DIR: z.string().min(1).optional(),
  S3_BUCKET: z.string().min(3).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ENDPOINT: url.optional(),
  S3_FORCE_PATH_STYLE: bool.default(false),
  IMGPROXY_KEY: z
    .string()
    .regex(/^([0-9a-fA-F]{2}){16,}$/, { error: 'must be hex, at least 32 characters' })
    .optional(),
  IMGPROXY_SALT: z
    .string()
    .regex(/^([0-9a-fA-F]{2}){16,}$/, { error: 'must be hex, at least 32 characters' })
    .optional(),
  IMAGE_BASE_URL: url.optional(),
  IMAGE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(200 * 1024 * 1024)
    .default(15 * 1024 * 1024),
  IMAGE_MAX_PIXELS: z.coerce.number().int().min(1_000_000).max(500_000_000).default(40_000_000),
  IMAGE_CACHE_DIR: z.string().min(1).optional(),
  IMAGE_CACHE_MAX_MB: z.coerce.number().int().min(1).max(1_000_000).default(512),
  IMAGE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  IMAGE_QUEUE: z.coerce.number().int().min(0).max(10_000).default(64),
  IMAGE_THREADS: z.coerce.number().int().min(1).max(64).default(1),
  IMAGE_VIPS_CACHE_MB: z.coerce.number().int().min(0).max(4096).default(0),
  SEARCH_CACHE_SIZE: z.coerce.number().int().min(0).max(100_000).default(1000),
  SEARCH_CACHE_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  SEARCH_ENGINE: z.enum(['memory', 'postgres'], { error: 'use memory or postgres' }).default('memory'),
  MCP_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(60),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, { error: 'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379' })
    .optional(),
  RATE_LIMIT_STORE: z
    .enum(['auto', 'redis', 'postgres', 'memory'], { error: 'use auto, redis, postgres or memory' })
    .default('auto'),
  RATE_LIMIT_ANONYMOUS: z.coerce.number().int().min(0).max(1_000_000).default(600),
  RATE_LIMIT_PERSON: z.coerce.number().int().min(0).max(1_000_000).default(1200),
  RATE_LIMIT_COSTS: z
    .string()
    .regex(/^\s*(read|search|write)=\d{1,4}\s*(,\s*(read|search|write)=\d{1,4}\s*)*$/, {
      error: 'must be a list like read=1,search=2,write=5',
    })
    .default('read=1,search=2,write=5')
    .transform((v) => {
      const costs = { read: 1, search: 2, write: 5 };
      for (const [name, n] of v.split(',').map((p) => p.trim().split('='))) costs[name as keyof typeof costs] = Number(n);
      return costs;
    }),
  RATE_LIMIT_EXEMPT: z
    .string()
    .default('127.0.0.1,::1')
    .transform((v) =>
      v.trim() === 'none'
        ? []
        : v
            .split(',')
            .map((a) => a.trim())
            .filter(Boolean),
    )
    .pipe(
      z.array(
        z.string().refine((a) => isIpOrCidr(a), {
          error: 'must be none or a comma-separated list of addresses or CIDR ranges, e.g. 127.0.0.1,::1,10.0.0.0/8',
        }),
      ),
    ),
  MCP_ACCESS_TOKEN: z.string().min(1).optional(),
  MCP_ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.url().refine((o) => URL.canParse(o) && new URL(o).origin === o, {
          error: 'must be a comma-separated list of origins (scheme://host[:port], no path), e.g. https://claude.ai',
        }),
      ),
    ),
  PAGE_CACHE_SIZE: z.coerce.number().int().min(0).max(100_000).default(500),
  PAGE_CACHE_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  HTTP_CONCURRENCY: z.coerce.number().int().min(0).max(10_000).default(4),
  HTTP_QUEUE: z.coerce.number().int().min(0).max(100_000).default(64),
  HTTP_QUEUE_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(1000).default(30),
  BACKUP_SCHEDULE: z
    .string()
    .regex(/^\S+(\s+\S+){4}$/, { error: 'must be a five-field cron expression (UTC), e.g. "30 3 * * *"' })
    .optional(),
  BACKUP_KEEP: z.coerce.number().int().min(1).max(10_000).default(7),
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_S3_BUCKET: z.string().min(3).optional(),
  BACKUP_S3_PREFIX: z.string().default('backups'),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(730),
  EXPORT_LINK_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(72),
  REAUTH_MAX_AGE_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
});

export type Env = z.infer<typeof schema>;

export interface Config {
  port: number;
  /** A port of its own for /metrics, so it is not public with the site; null: /metrics on `port`. */
  metricsPort: number | null;
  host: string;
  role: ProcessRole;
  /** Where people reach the platform; used for links. */
  publicUrl: string;
  /** queryTimeoutMs: the bound on each statement of a request (0: none); long work has its own pool without it. */
  database: { url: string | null; poolMax: number; queryTimeoutMs: number };
  dataDir: string;
  embeddedPgPort: number;
  seedDemo: 'auto' | 'always' | 'never';
  /** Where the web role's server-side rendering reaches the API. */
  apiUrl: string;
  logLevel: Env['LOG_LEVEL'];
  /** Trust the x-yeet-dev-user header. For local development and tests only. */
  devAuth: boolean;
  /** Behind a proxy that sets X-Forwarded-For/-Proto/-Host (an ingress): believe them. */
  trustProxy: boolean;
  /** Jobs one worker process runs at once. */
  workerConcurrency: number;
  /** In-process cache of search results: entries (0 = off) and their longest life. */
  searchCache: { size: number; ttlMs: number };
  /** Where searches are answered: an index in each API process's memory, or PostgreSQL itself. */
  searchEngine: 'memory' | 'postgres';
  /**
   * MCP: tool calls allowed per caller per minute; the token the stdio server acts with; the
   * browser origins besides PUBLIC_URL's that may call /mcp (others are refused: DNS rebinding).
   */
  mcp: { rateLimit: number; accessToken: string | null; allowedOrigins: string[] };
  rateLimits: RateLimitConfig;
  /** Server-rendered pages kept for visitors who are not signed in: entries (0 = off) and their longest life. */
  pageCache: { size: number; ttlMs: number };
  /**
   * Requests one process works on at once (0 = no limit), how many more may wait for a turn,
   * and the longest expected wait for one (0 = no such bound); past them, an immediate 503
   * with Retry-After (docs/decisions/0020-overload.md).
   */
  overload: { concurrency: number; queue: number; queueWaitMs: number };
  /** Encrypts the web session cookie and derives the built-in issuer's client secret. null: generated and kept in the database. */
  sessionSecret: string | null;
  oidc: OidcConfig;
  images: ImageConfig;
  shutdownTimeoutMs: number;
  /**
   * How far V8 lets the old generation grow past what survived its last full collection
   * before the next one, in percent (0: V8's own, up to 300 % on a busy server);
   * docs/decisions/0039-heap-growth-under-load.md.
   */
  heapGrowingPercent: number;
  backup: BackupConfig;
  /** Days audit events (role changes, account deletions) are kept; 0: for good. */
  auditRetentionDays: number;
  /** Hours a data export's download link works; the archive is deleted afterwards. */
  exportLinkTtlHours: number;
  /** How recent an external provider's sign-in must be for a person to delete their account. */
  reauthMaxAgeMinutes: number;
}

/** Shared rate limits (docs/decisions/0019-rate-limits.md). A limit of 0 turns that class's limit off. */
export interface RateLimitConfig {
  /** Where counters live: Redis (REDIS_URL), PostgreSQL (the default), or this process's memory (one process only). */
  store: 'redis' | 'postgres' | 'memory';
  redisUrl: string | null;
  /** Cost units per minute: per client address for anonymous callers, per signed-in person. */
  anonymous: number;
  person: number;
  /** What one call of each kind of RPC method costs. */
  costs: { read: number; search: number; write: number };
  /** Addresses and CIDR ranges whose anonymous calls are not limited: the web role's server-side rendering. */
  exempt: string[];
}

export interface BackupConfig {
  /** Five-field cron (UTC) of the worker's scheduled backup; null: no scheduled backups. */
  schedule: string | null;
  /** Archives kept by the scheduled backup (older ones are deleted). */
  keep: number;
  /** Where archives go. */
  target: { kind: 'dir'; dir: string } | { kind: 's3'; bucket: string; prefix: string };
  /** How an S3 target is reached: the image storage's S3_REGION, S3_ENDPOINT and S3_FORCE_PATH_STYLE. */
  s3: { region: string; endpoint: string | null; forcePathStyle: boolean };
}

export interface OidcConfig {
  /** External issuer (Auth0, Keycloak…); null: the built-in issuer at <PUBLIC_URL>/oidc. */
  issuer: string | null;
  /** The web app's client at the issuer. */
  clientId: string;
  /** null: a public client (PKCE only), or for the built-in issuer, derived from the session secret. */
  clientSecret: string | null;
  /** The `aud` the API requires in access tokens. */
  audience: string;
  /** Where roles are in access tokens (a claim name or a dotted path); null: roles are managed here. */
  rolesClaim: string | null;
  scopes: string;
  /** The client `yeet login` uses (device authorization grant); null: none configured at an external issuer. */
  cliClientId: string | null;
}

export const builtInClientId = 'eat-or-yeet-web';
export const builtInCliClientId = 'eat-or-yeet-cli';

export interface ImageConfig {
  storage:
    | { kind: 'dir'; dir: string }
    | { kind: 's3'; bucket: string; region: string; endpoint: string | null; forcePathStyle: boolean };
  /** Signs image URLs (imgproxy's key and salt); null: generated and kept in the database. */
  imgproxy: { key: string; salt: string } | null;
  /** Where image URLs point: our resizer, or a real imgproxy. */
  baseUrl: string;
  maxBytes: number;
  maxPixels: number;
  cache: { dir: string; maxBytes: number };
  concurrency: number;
  queue: number;
  /** libvips threads per render (sharp.concurrency): renders run side by side already. */
  threads: number;
  /** libvips' operation cache in MB; 0: off (renders are cached on disk, originals never repeat in it). */
  vipsCacheMb: number;
}

export class ConfigError extends Error {
  constructor(issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; `overrides` (e.g. from command-line flags) win over it. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Record<keyof Env, string>> = {},
): Config {
  const raw = { ...pickDefined(env), ...pickDefined(overrides) };
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '');
        return `${name}=${JSON.stringify(raw[name] ?? '')}: ${issue.message}`;
      }),
    );
  }
  const e = result.data;
  if (e.OIDC_ISSUER && !e.OIDC_CLIENT_ID) {
    throw new ConfigError(['OIDC_CLIENT_ID="": required with OIDC_ISSUER: the client id of this app at your identity provider']);
  }
  if (e.IMAGE_STORAGE === 's3' && !e.S3_BUCKET) {
    throw new ConfigError(['S3_BUCKET="": required with IMAGE_STORAGE=s3']);
  }
  if (e.BACKUP_DIR && e.BACKUP_S3_BUCKET) {
    throw new ConfigError(['BACKUP_DIR/BACKUP_S3_BUCKET: set one or neither (backups go to one place)']);
  }
  if (Boolean(e.IMGPROXY_KEY) !== Boolean(e.IMGPROXY_SALT)) {
    throw new ConfigError(['IMGPROXY_KEY/IMGPROXY_SALT: set both or neither']);
  }
  if (e.ROLE === 'img' && !e.IMGPROXY_KEY) {
    throw new ConfigError([
      'IMGPROXY_KEY="": required with ROLE=img (with IMGPROXY_SALT): the same values as the api processes use',
    ]);
  }
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT !== 0 && e.METRICS_PORT === e.PORT) {
    throw new ConfigError([`METRICS_PORT="${e.METRICS_PORT}": must differ from PORT (leave it unset to serve /metrics on PORT)`]);
  }
  if (e.RATE_LIMIT_STORE === 'redis' && !e.REDIS_URL) {
    throw new ConfigError(['REDIS_URL="": required with RATE_LIMIT_STORE=redis']);
  }
  if (e.ROLE === 'web' && !e.SESSION_SECRET) {
    throw new ConfigError(['SESSION_SECRET="": required with ROLE=web: the same value as the api processes use']);
  }
  const publicUrl = stripSlash(e.PUBLIC_URL ?? `http://localhost:${e.PORT}`);
  const localUrl = `http://${e.HOST === '0.0.0.0' || e.HOST === '::' ? '127.0.0.1' : e.HOST}:${e.PORT}`;
  return {
    port: e.PORT,
    metricsPort: e.METRICS_PORT ?? null,
    host: e.HOST,
    role: e.ROLE,
    publicUrl,
    database: { url: e.DATABASE_URL ?? null, poolMax: e.DATABASE_POOL_MAX, queryTimeoutMs: e.DATABASE_QUERY_TIMEOUT_MS },
    dataDir: path.resolve(e.DATA_DIR),
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    seedDemo: e.SEED_DEMO,
    apiUrl: stripSlash(e.API_URL ?? localUrl),
    logLevel: e.LOG_LEVEL,
    devAuth: e.DEV_AUTH,
    trustProxy: e.TRUST_PROXY,
    workerConcurrency: e.WORKER_CONCURRENCY,
    searchCache: { size: e.SEARCH_CACHE_SIZE, ttlMs: e.SEARCH_CACHE_TTL_MS },
    searchEngine: e.SEARCH_ENGINE,
    pageCache: { size: e.PAGE_CACHE_SIZE, ttlMs: e.PAGE_CACHE_TTL_MS },
    overload: { concurrency: e.HTTP_CONCURRENCY, queue: e.HTTP_QUEUE, queueWaitMs: e.HTTP_QUEUE_WAIT_MS },
    heapGrowingPercent: e.HEAP_GROWING_PERCENT,
    mcp: { rateLimit: e.MCP_RATE_LIMIT, accessToken: e.MCP_ACCESS_TOKEN ?? null, allowedOrigins: e.MCP_ALLOWED_ORIGINS },
    rateLimits: {
      // auto: Redis when there is one, else the database every replica already shares.
      store: e.RATE_LIMIT_STORE === 'auto' ? (e.REDIS_URL ? 'redis' : 'postgres') : e.RATE_LIMIT_STORE,
      redisUrl: e.REDIS_URL ?? null,
      anonymous: e.RATE_LIMIT_ANONYMOUS,
      person: e.RATE_LIMIT_PERSON,
      costs: e.RATE_LIMIT_COSTS,
      exempt: e.RATE_LIMIT_EXEMPT,
    },
    sessionSecret: e.SESSION_SECRET ?? null,
    images: {
      storage:
        e.IMAGE_STORAGE === 's3'
          ? {
              kind: 's3',
              bucket: e.S3_BUCKET!,
              region: e.S3_REGION,
              endpoint: e.S3_ENDPOINT ?? null,
              forcePathStyle: e.S3_FORCE_PATH_STYLE,
            }
          : { kind: 'dir', dir: path.resolve(e.IMAGE_DIR ?? path.join(e.DATA_DIR, 'images')) },
      imgproxy: e.IMGPROXY_KEY && e.IMGPROXY_SALT ? { key: e.IMGPROXY_KEY, salt: e.IMGPROXY_SALT } : null,
      baseUrl: stripSlash(e.IMAGE_BASE_URL ?? `${publicUrl}/_img`),
      maxBytes: e.IMAGE_MAX_BYTES,
      maxPixels: e.IMAGE_MAX_PIXELS,
      cache: {
        dir: path.resolve(e.IMAGE_CACHE_DIR ?? path.join(e.DATA_DIR, 'img-cache')),
        maxBytes: e.IMAGE_CACHE_MAX_MB * 1024 * 1024,
      },
      concurrency: e.IMAGE_CONCURRENCY,
      queue: e.IMAGE_QUEUE,
      threads: e.IMAGE_THREADS,
      vipsCacheMb: e.IMAGE_VIPS_CACHE_MB,
    },
    oidc: {
      // Kept exactly as given: it must equal the tokens' `iss` (Auth0's ends with a slash).
      issuer: e.OIDC_ISSUER ?? null,
      clientId: e.OIDC_CLIENT_ID ?? builtInClientId,
      clientSecret: e.OIDC_CLIENT_SECRET ?? null,
      audience: e.OIDC_AUDIENCE ?? `${publicUrl}/api`,
      rolesClaim: e.OIDC_ROLES_CLAIM ?? null,
      scopes: e.OIDC_SCOPES,
      cliClientId: e.OIDC_CLI_CLIENT_ID ?? (e.OIDC_ISSUER ? null : builtInCliClientId),
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    exportLinkTtlHours: e.EXPORT_LINK_TTL_HOURS,
    reauthMaxAgeMinutes: e.REAUTH_MAX_AGE_MINUTES,
    backup: {
      schedule: e.BACKUP_SCHEDULE ?? null,
      keep: e.BACKUP_KEEP,
      target: e.BACKUP_S3_BUCKET
        ? { kind: 's3', bucket: e.BACKUP_S3_BUCKET, prefix: e.BACKUP_S3_PREFIX }
        : { kind: 'dir', dir: path.resolve(e.BACKUP_DIR ?? path.join(e.DATA_DIR, 'backups')) },
      s3: { region: e.S3_REGION, endpoint: e.S3_ENDPOINT ?? null, forcePathStyle: e.S3_FORCE_PATH_STYLE },
    },
  };
}

function pickDefined(values: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = values[key];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

const stripSlash = (u: string) => u.replace(/\/+$/, '');

function isIpOrCidr(value: string): boolean {
  const [address, bits, extra] = value.split('/');
  const family = isIP(address ?? '');
  if (!family || extra !== undefined) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n <= (family === 4 ? 32 : 128);
}
