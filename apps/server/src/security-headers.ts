import type { Config } from '@yeet/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * What every response of the process says about itself, whatever answers it (pages, the
 * API, the issuer, images): no MIME sniffing, no framing, a referrer without the path on
 * other sites, no powerful browser features, HTTPS only once seen over HTTPS. The policy
 * here lets nothing run; pages replace it with their own (web.ts, the issuer's routes).
 */
export function registerSecurityHeaders(app: FastifyInstance, config: Pick<Config, 'publicUrl'>): void {
  const site = new URL(config.publicUrl);
  const headers: Array<[string, string]> = [
    ['x-content-type-options', 'nosniff'],
    ['referrer-policy', 'strict-origin-when-cross-origin'],
    ['x-frame-options', 'DENY'],
    ['permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()'],
    ['content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"],
  ];
  if (site.protocol === 'https:') headers.push(['strict-transport-security', 'max-age=31536000; includeSubDomains']);

  app.addHook('onRequest', async (_req, reply) => {
    // On the raw response: routes that answer it themselves (the issuer) keep them too.
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
  });
}

/**
 * Sends page requests that arrive at another address than PUBLIC_URL (127.0.0.1 when it
 * says localhost) to PUBLIC_URL: the sign-in cookies and the issuer live there, so signing
 * in from anywhere else could only fail. For the processes that serve pages (the web role).
 */
export function redirectToPublicUrl(app: FastifyInstance, publicUrl: string): void {
  const site = new URL(publicUrl);
  app.addHook('onRequest', async (req, reply) => {
    if (!isPageRequest(req) || req.host === site.host) return;
    // Rebuilt on PUBLIC_URL's origin, so a path like //evil.test stays a path.
    return reply.redirect(new URL(`${site.origin}${req.url.startsWith('/') ? req.url : '/'}`).href, 302);
  });
}

/** Paths that are not pages: machines call them, at whatever address they were given. */
const machinePaths = /^\/(api|mcp|oidc|_img|uploads|assets|\.well-known)(\/|$)|^\/(healthz|readyz|livez|metrics)$/;

const isPageRequest = (req: FastifyRequest) =>
  (req.method === 'GET' || req.method === 'HEAD') && !machinePaths.test(req.url.split('?', 1)[0]!);

/**
 * The Content-Security-Policy of the web app's pages, for one response's nonce. Scripts run
 * only with the nonce the server rendered into their tags (and what those load:
 * 'strict-dynamic'); stylesheets come from this site, style attributes (a cover's colours,
 * a rating's width) are allowed. Images may also come from IMAGE_BASE_URL, uploads go to the
 * object storage's presigned URLs, signing out may post on to an external issuer, and the
 * service worker comes from this site.
 */
export function pagePolicy(config: Pick<Config, 'publicUrl' | 'images' | 'oidc'>): (nonce: string) => string {
  const self = new URL(config.publicUrl).origin;
  const others = (urls: Array<string | null>) =>
    [...new Set(urls.filter((u): u is string => u !== null).map((u) => new URL(u).origin))].filter((o) => o !== self);
  const images = ["'self'", 'data:', ...others([config.images.baseUrl])].join(' ');
  const connect = ["'self'", ...others(uploadOrigins(config.images.storage))].join(' ');
  const forms = ["'self'", ...others([config.oidc.issuer])].join(' ');
  return (nonce) =>
    [
      "default-src 'self'",
      `script-src 'nonce-${nonce}' 'strict-dynamic'`,
      `style-src 'self' 'nonce-${nonce}'`,
      "style-src-attr 'unsafe-inline'",
      `img-src ${images}`,
      `connect-src ${connect}`,
      // the service worker (/sw.js): without this, worker-src would fall back to script-src's nonces
      "worker-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      `form-action ${forms}`,
      "frame-ancestors 'none'",
    ].join('; ');
}

/** Where the browser PUTs a photo: this site, or the bucket's presigned URLs (both addressing styles). */
function uploadOrigins(storage: Config['images']['storage']): string[] {
  if (storage.kind === 'dir') return [];
  const endpoint = new URL(storage.endpoint ?? `https://s3.${storage.region}.amazonaws.com`);
  return storage.forcePathStyle
    ? [endpoint.origin]
    : [endpoint.origin, `${endpoint.protocol}//${storage.bucket}.${endpoint.host}`];
}
