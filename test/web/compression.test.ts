import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { negotiate } from '../../apps/server/src/compression.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/** Pages are compressed on the fly (once per cached page), the build's text files were compressed at build time. */
let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform({ ROLE: 'all', SEED_DEMO: 'always', SESSION_SECRET: 'compression-session-secret-0123456789' });
}, 180_000);
afterAll(async () => {
  await t?.stop();
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** The bytes as sent (fetch would decode them). */
const raw = (path: string, acceptEncoding?: string) =>
  new Promise<Raw>((resolve, reject) => {
    const req = request(
      `${t.baseUrl}${path}`,
      { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });

const decoded = (r: Raw) =>
  r.headers['content-encoding'] === 'br'
    ? brotliDecompressSync(r.body)
    : r.headers['content-encoding'] === 'gzip'
      ? gunzipSync(r.body)
      : r.body;

describe('compression', () => {
  it('sends a page as brotli or gzip, as the client asks, and the same page uncompressed to a client that takes neither', async () => {
    const plain = await raw('/', 'identity');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await raw('/', 'gzip, deflate, br');
    const gz = await raw('/', 'gzip');
    expect(br.headers['content-encoding']).toBe('br');
    expect(gz.headers['content-encoding']).toBe('gzip');
    for (const r of [plain, br, gz]) expect(String(r.headers.vary)).toMatch(/accept-encoding/i);
    // the same page once decoded (each may be a render of its own while the demo's image jobs run: compare what it shows)
    for (const r of [br, gz]) {
      const html = decoded(r).toString();
      expect(html).toMatch(/^<!DOCTYPE html>/i);
      for (const shelf of ['Newest recipes', 'Top rated']) expect(html).toContain(shelf);
      expect(Math.abs(html.length - plain.body.length)).toBeLessThan(plain.body.length * 0.05);
    }
    console.info(`home page: ${plain.body.length} B raw, ${gz.body.length} B gzip, ${br.body.length} B brotli`);
    expect(br.body.length).toBeLessThan(plain.body.length / 4);
  });

  it('compresses a page rendered for one request (not cached), and keeps it valid HTML', async () => {
    // a query string that is not a known page parameter still renders; the 404 page is rendered per request too
    const missing = await raw('/r/no-such-recipe-anywhere', 'br');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-encoding']).toBe('br');
    expect(decoded(missing).toString()).toMatch(/<!DOCTYPE html>/i);
  });

  it('serves the build’s scripts and styles precompressed, with the immutable cache header kept', async () => {
    const home = (await raw('/', 'identity')).body.toString();
    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(home)?.[1] ?? /href="(\/assets\/[^"]+\.js)"/.exec(home)?.[1];
    const style = /href="(\/assets\/[^"]+\.css)"/.exec(home)?.[1];
    expect(script).toBeDefined();
    expect(style).toBeDefined();
    for (const asset of [script!, style!]) {
      const plain = await raw(asset, 'identity');
      const br = await raw(asset, 'br, gzip');
      const gz = await raw(asset, 'gzip');
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(br.headers['content-encoding']).toBe('br');
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
      expect(br.headers['cache-control']).toContain('immutable');
      expect(decoded(br).equals(plain.body)).toBe(true);
      expect(decoded(gz).equals(plain.body)).toBe(true);
    }
  });

  it('leaves images alone', async () => {
    const icon = await raw('/apple-touch-icon.png', 'br, gzip');
    expect(icon.status).toBe(200);
    expect(icon.headers['content-encoding']).toBeUndefined();
  });
});

describe('negotiation', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['identity', null],
    ['gzip', 'gzip'],
    ['gzip, deflate, br', 'br'],
    ['br;q=0.5, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', null],
    ['*', 'br'],
    ['*;q=0, gzip', 'gzip'],
    ['x-gzip', 'gzip'],
    ['BR', 'br'],
  ])('Accept-Encoding %j → %j', (header, expected) => {
    expect(negotiate(header)).toBe(expected);
  });
});
