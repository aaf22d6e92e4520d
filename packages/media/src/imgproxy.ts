import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * imgproxy's URL format and signature scheme (docs.imgproxy.net: "Generating the URL",
 * "Signing a URL"): `/<signature>/<option>:<args>/…/<base64url source>[.<ext>]`, where the
 * signature is base64url(HMAC-SHA256(key, salt + path)) with the path starting at the `/`
 * after the signature. Our resizer and a real imgproxy read the same URLs.
 */
export interface ImgproxyKeys {
  key: Buffer;
  salt: Buffer;
  /** Bytes of the HMAC-SHA256 kept in a URL: imgproxy's IMGPROXY_SIGNATURE_SIZE. */
  signatureSize: number;
}

/**
 * The signatures this platform writes: HMAC-SHA256 cut to 16 bytes (22 characters instead of
 * 43). RFC 2104 §5 allows truncating an HMAC to half its output; 128 bits leave a forger no
 * chance, and every card's two image URLs, written in the markup and again in the page's
 * hydration data, were a sixth of the home page. An imgproxy serving these URLs is run with
 * IMGPROXY_SIGNATURE_SIZE=16.
 */
export const signatureSize = 16;

export const resizeTypes = ['fit', 'fill', 'fill-down', 'force', 'auto'] as const;
export type ResizeType = (typeof resizeTypes)[number];
export const gravities = ['sm', 'ce', 'no', 'so', 'ea', 'we', 'nowe', 'noea', 'sowe', 'soea'] as const;
export type Gravity = (typeof gravities)[number];
export const outputFormats = ['jpeg', 'png', 'webp', 'avif'] as const;
export type OutputFormat = (typeof outputFormats)[number];

export interface ProcessingOptions {
  resize: ResizeType;
  width: number;
  height: number;
  enlarge: boolean;
  gravity: Gravity;
  quality: number | null;
  /** null: negotiated from the request's Accept header. */
  format: OutputFormat | null;
}

export const defaultOptions: ProcessingOptions = {
  resize: 'fit',
  width: 0,
  height: 0,
  enlarge: false,
  gravity: 'ce',
  quality: null,
  format: null,
};

export function keysFromHex(key: string, salt: string, size = signatureSize): ImgproxyKeys {
  if (!/^([0-9a-f]{2})+$/i.test(key) || !/^([0-9a-f]{2})+$/i.test(salt)) throw new Error('imgproxy key and salt must be hex');
  return { key: Buffer.from(key, 'hex'), salt: Buffer.from(salt, 'hex'), signatureSize: size };
}

// createHmac with a Buffer key prepares a key object on every call (about 7× the cost of the
// HMAC itself on Node 24); every recipe in every response signs several image URLs.
const keyObjects = new WeakMap<Buffer, KeyObject>();

export function sign(path: string, keys: ImgproxyKeys): string {
  let key = keyObjects.get(keys.key);
  if (!key) {
    key = createSecretKey(keys.key);
    keyObjects.set(keys.key, key);
  }
  return createHmac('sha256', key).update(keys.salt).update(path).digest().subarray(0, keys.signatureSize).toString('base64url');
}

export function verify(signature: string, path: string, keys: ImgproxyKeys): boolean {
  const expected = Buffer.from(sign(path, keys));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const extensionOf: Record<OutputFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', avif: 'avif' };

/** The path (after the signature) for `source` with `options`. */
export function buildPath(source: string, options: Partial<ProcessingOptions>): string {
  const o = { ...defaultOptions, ...options };
  const parts = [`rs:${o.resize}:${o.width}:${o.height}:${o.enlarge ? 1 : 0}`, `g:${o.gravity}`];
  if (o.quality !== null) parts.push(`q:${o.quality}`);
  const encoded = Buffer.from(source).toString('base64url');
  return `/${parts.join('/')}/${encoded}${o.format ? `.${extensionOf[o.format]}` : ''}`;
}

export function buildUrl(baseUrl: string, source: string, options: Partial<ProcessingOptions>, keys: ImgproxyKeys): string {
  const path = buildPath(source, options);
  return `${baseUrl}/${sign(path, keys)}${path}`;
}

export class ImgproxyUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImgproxyUrlError';
  }
}

const formatOf = (ext: string): OutputFormat => {
  const f = ext === 'jpg' ? 'jpeg' : ext;
  if (!(outputFormats as readonly string[]).includes(f)) throw new ImgproxyUrlError(`unsupported format "${ext}"`);
  return f as OutputFormat;
};

const int = (value: string | undefined, name: string): number => {
  if (value === undefined || value === '') return 0;
  if (!/^\d{1,5}$/.test(value)) throw new ImgproxyUrlError(`${name} must be a whole number`);
  return Number(value);
};

/** Reads the path after the signature: processing options and the source URL. */
export function parsePath(path: string): { options: ProcessingOptions; source: string } {
  if (!path.startsWith('/')) throw new ImgproxyUrlError('the path must start with /');
  const segments = path.slice(1).split('/');
  const options = { ...defaultOptions };
  let i = 0;
  for (; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment === 'plain' || !segment.includes(':')) break;
    const [name, ...args] = segment.split(':');
    switch (name) {
      case 'rs':
      case 'resize':
        if (args[0]) options.resize = oneOf(args[0], resizeTypes, 'resize type');
        options.width = int(args[1], 'width');
        options.height = int(args[2], 'height');
        options.enlarge = args[3] === '1' || args[3] === 't' || args[3] === 'true';
        break;
      case 's':
      case 'size':
        options.width = int(args[0], 'width');
        options.height = int(args[1], 'height');
        options.enlarge = args[2] === '1' || args[2] === 't' || args[2] === 'true';
        break;
      case 'rt':
      case 'resizing_type':
        options.resize = oneOf(args[0] ?? '', resizeTypes, 'resize type');
        break;
      case 'w':
      case 'width':
        options.width = int(args[0], 'width');
        break;
      case 'h':
      case 'height':
        options.height = int(args[0], 'height');
        break;
      case 'el':
      case 'enlarge':
        options.enlarge = args[0] === '1' || args[0] === 't' || args[0] === 'true';
        break;
      case 'g':
      case 'gravity':
        options.gravity = oneOf(args[0] ?? '', gravities, 'gravity');
        break;
      case 'q':
      case 'quality': {
        const q = int(args[0], 'quality');
        if (q < 1 || q > 100) throw new ImgproxyUrlError('quality must be between 1 and 100');
        options.quality = q;
        break;
      }
      case 'f':
      case 'format':
      case 'ext':
        options.format = formatOf(args[0] ?? '');
        break;
      default:
        throw new ImgproxyUrlError(`unsupported processing option "${name}"`);
    }
  }
  const rest = segments.slice(i);
  let source: string;
  if (rest[0] === 'plain') {
    const plain = rest.slice(1).join('/');
    const at = plain.lastIndexOf('@');
    if (at >= 0) options.format = formatOf(plain.slice(at + 1));
    source = decodeURIComponent(at >= 0 ? plain.slice(0, at) : plain);
  } else {
    // the encoded source may be split by slashes; an extension may follow a dot
    let encoded = rest.join('');
    const dot = encoded.indexOf('.');
    if (dot >= 0) {
      options.format = formatOf(encoded.slice(dot + 1));
      encoded = encoded.slice(0, dot);
    }
    if (!/^[A-Za-z0-9_-]+={0,2}$/.test(encoded)) throw new ImgproxyUrlError('the source is not base64url');
    source = Buffer.from(encoded, 'base64url').toString('utf8');
  }
  if (!source) throw new ImgproxyUrlError('no source');
  return { options, source };
}

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new ImgproxyUrlError(`unsupported ${what} "${value}"`);
  return value as T;
}
