import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { DomainError, formatBytes } from '@yeet/domain';
import ipaddr from 'ipaddr.js';

/**
 * Fetching a page someone named, from our server, without letting them reach what only our
 * server can reach (SSRF): only http and https on the allowed ports; the name is resolved
 * and every address checked (loopback, private, link-local, CGNAT, multicast, 0.0.0.0/8, the
 * cloud metadata address, their IPv6 forms and IPv4-mapped IPv6 are refused); the connection
 * goes to the address that was checked — the socket's lookup answers with it, so a second
 * DNS answer cannot swap in another (DNS rebinding); each redirect is checked the same way.
 * Errors say why in words and never name an internal address.
 */
export interface FetchGuardOptions {
  /** Ports a page may be fetched from. */
  ports?: readonly number[];
  /** Whole fetch, redirects included. */
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  /** Resolves a host name to its addresses (tests pass a stub). */
  resolve?: (host: string) => Promise<string[]>;
  /**
   * Addresses to let through although they are not public. Tests set it to reach their local
   * server; nothing user-facing sets it.
   */
  allowAddress?: (address: string) => boolean;
}

export interface FetchedPage {
  /** The URL the page finally came from, after redirects. */
  url: string;
  html: string;
  contentType: string;
}

export const fetchGuardDefaults = {
  ports: [80, 443] as readonly number[],
  timeoutMs: 10_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
};

/** What a fetch accepts: the media types, the Accept header, and how to name the wrong kind. */
interface Wanted {
  types: ReadonlySet<string>;
  accept: string;
  notIt: (mediaType: string) => string;
}

const htmlPage: Wanted = {
  types: new Set(['text/html', 'application/xhtml+xml']),
  accept: 'text/html,application/xhtml+xml;q=0.9',
  notIt: (t) => `That address is not a web page (it is ${t || 'of no stated type'}); give the page of the recipe.`,
};

const photo: Wanted = {
  types: new Set(['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/heic', 'image/heif']),
  accept: 'image/avif,image/webp,image/jpeg,image/png;q=0.9',
  notIt: (t) => `The recipe's photo is not an image we take (it is ${t || 'of no stated type'}).`,
};

export interface FetchedImage {
  url: string;
  bytes: Buffer;
  contentType: string;
}

const refuse = (message: string) => new DomainError('failed_precondition', message);
const badUrl = (message: string) => new DomainError('invalid_argument', message);

/** What a refused address is, in words a person understands (never the address itself). */
const rangeNames: Record<string, string> = {
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address (this includes the cloud metadata service)',
  loopback: 'this machine (loopback)',
  carrierGradeNat: 'a carrier-grade NAT address',
  private: 'a private network address',
  uniqueLocal: 'a private network address',
  reserved: 'a reserved address',
};

/** Why an address may not be fetched from, or null when it is a public unicast address. */
export function refusedAddress(address: string): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address.replace(/^\[|\]$/g, ''));
  } catch {
    return 'not an address';
  }
  // ::ffff:127.0.0.1 is 127.0.0.1 to the network stack.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const range = parsed.range();
  // Only plain public unicast: every special range (6to4 and Teredo included, which embed
  // IPv4 addresses) is refused rather than reasoned about.
  return range === 'unicast' ? null : (rangeNames[range] ?? 'a special-purpose address');
}

/** Checks a URL's form: scheme, port, host. Returns it without credentials. */
export function checkUrl(raw: string, ports: readonly number[] = fetchGuardDefaults.ports): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw badUrl('That is not a web address. Give the full address of the page, starting with https://.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badUrl(`Only http and https pages can be imported, not ${url.protocol.replace(/:$/, '')}: addresses.`);
  }
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  if (!ports.includes(port)) {
    throw badUrl(`Pages can be imported from port ${ports.join(' or ')} only; this address uses port ${port}.`);
  }
  if (!url.hostname) throw badUrl('That address names no host.');
  // Credentials in a URL are never sent on (nor logged).
  url.username = '';
  url.password = '';
  return url;
}

/** The addresses a URL's host stands for, all checked; the first is the one to connect to. */
async function vettedAddress(url: URL, options: Required<Pick<FetchGuardOptions, 'resolve'>> & FetchGuardOptions) {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (ipaddr.isValid(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await options.resolve(host);
    } catch {
      throw refuse(`The host ${url.hostname} could not be found. Check the address.`);
    }
    if (addresses.length === 0) throw refuse(`The host ${url.hostname} could not be found. Check the address.`);
  }
  // Every answer must be public: a name that also resolves inside would be a way in.
  for (const address of addresses) {
    if (options.allowAddress?.(address)) continue;
    const why = refusedAddress(address);
    // A literal address is not repeated back: the message may reach someone probing.
    const what = ipaddr.isValid(host) ? 'That address' : url.hostname;
    if (why) throw refuse(`${what} points to ${why}; only pages on the public internet can be imported.`);
  }
  const address = addresses[0]!;
  return { address: ipaddr.parse(address).kind() === 'ipv6' ? ipaddr.parse(address).toString() : address };
}

const defaultResolve = async (host: string) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Fetches an HTML page through the guard. Throws DomainError (invalid_argument / failed_precondition). */
export async function fetchPage(raw: string, options: FetchGuardOptions = {}): Promise<FetchedPage> {
  const { url, body, contentType, header } = await guardedFetch(raw, options, htmlPage);
  return { url, html: decode(body, header), contentType };
}

/**
 * Fetches an image (JPEG, PNG, WebP, AVIF, HEIC by the answer's type) through the same guard;
 * what it is by its bytes is for the upload check to say.
 */
export async function fetchImage(raw: string, options: FetchGuardOptions = {}): Promise<FetchedImage> {
  const { url, body, contentType } = await guardedFetch(raw, options, photo);
  return { url, bytes: body, contentType };
}

async function guardedFetch(raw: string, options: FetchGuardOptions, wanted: Wanted) {
  const ports = options.ports ?? fetchGuardDefaults.ports;
  const maxBytes = options.maxBytes ?? fetchGuardDefaults.maxBytes;
  const maxRedirects = options.maxRedirects ?? fetchGuardDefaults.maxRedirects;
  const resolve = options.resolve ?? defaultResolve;
  const timeoutMs = options.timeoutMs ?? fetchGuardDefaults.timeoutMs;
  const deadline = AbortSignal.timeout(timeoutMs);
  let url = checkUrl(raw, ports);
  for (let redirects = 0; ; redirects++) {
    const { address } = await vettedAddress(url, { ...options, resolve });
    const answer = await request(url, address, deadline, maxBytes, wanted).catch((e: unknown) => {
      throw failure(e, deadline, timeoutMs);
    });
    if ('location' in answer) {
      if (redirects >= maxRedirects) throw refuse(`The page redirects more than ${maxRedirects} times; give its final address.`);
      let next: string;
      try {
        next = new URL(answer.location, url).href;
      } catch {
        throw refuse('The page redirects to an address that is not valid.');
      }
      url = checkUrl(next, ports);
      continue;
    }
    return { url: url.href, body: answer.body, contentType: answer.contentType, header: answer.header };
  }
}

type Answer = { location: string } | { body: Buffer; contentType: string; header: string };

function request(url: URL, address: string, deadline: AbortSignal, maxBytes: number, wanted: Wanted): Promise<Answer> {
  // The socket connects to the checked address whatever DNS would say now; TLS still
  // verifies the certificate against the host name.
  const family = address.includes(':') ? 6 : 4;
  const lookup: LookupFunction = (_host, opts, callback) => {
    if ((opts as { all?: boolean }).all)
      (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Answer>((resolvePromise, reject) => {
    const req = client.request(
      url,
      {
        lookup,
        signal: deadline,
        headers: { accept: wanted.accept, 'user-agent': 'EatOrYeet-RecipeImporter/1.0' },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          resolvePromise({ location: res.headers.location });
          return;
        }
        if (status < 200 || status >= 300) {
          res.resume();
          reject(refuse(`The site answered ${status} for that page; check that the address opens in a browser.`));
          return;
        }
        const contentType = (res.headers['content-type'] ?? '').toLowerCase();
        const mediaType = contentType.split(';')[0]!.trim();
        if (!wanted.types.has(mediaType)) {
          res.resume();
          reject(refuse(wanted.notIt(mediaType)));
          return;
        }
        const tooBig = () =>
          refuse(`The ${wanted === photo ? 'photo' : 'page'} is larger than ${formatBytes(maxBytes)}; it cannot be imported.`);
        if (Number(res.headers['content-length'] ?? 0) > maxBytes) {
          req.destroy();
          reject(tooBig());
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy();
            reject(tooBig());
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolvePromise({ body: Buffer.concat(chunks), contentType: mediaType, header: contentType }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function failure(error: unknown, deadline: AbortSignal, timeoutMs: number): DomainError {
  if (error instanceof DomainError) return error;
  if (deadline.aborted) return refuse(`The site took too long to answer (over ${timeoutMs / 1000} s); try again later.`);
  // Network errors carry addresses in their messages: only the kind is told.
  const code = (error as { code?: string }).code ?? 'error';
  return refuse(`The page could not be fetched (${code}); check the address, or try again later.`);
}

/** The body as text in the charset the response names (UTF-8 when it names none or one we do not know). */
function decode(body: Buffer, contentType: string): string {
  const charset = /charset="?([\w-]+)/.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}
