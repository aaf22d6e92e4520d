import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '@yeet/domain';
import { checkUrl, fetchPage, refusedAddress } from '../../apps/api/src/import/fetch-guard.ts';
import { extractRecipe } from '../../apps/api/src/import/extract.ts';

const page = `<!doctype html><html><head><title>Soup</title>
<script type="application/ld+json">{"@type":"Recipe","name":"Leek soup","recipeIngredient":["2 leeks"],"recipeInstructions":"Cook the leeks."}</script>
</head><body></body></html>`;

let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/recipe') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    else if (path === '/to-recipe') res.writeHead(302, { location: '/recipe' }).end();
    else if (path === '/to-metadata') res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    else if (path === '/to-loopback-name') res.writeHead(301, { location: `http://inside.test:${port}/recipe` }).end();
    else if (path.startsWith('/loop')) res.writeHead(302, { location: `/loop${Number(path.slice(5) || 0) + 1}` }).end();
    else if (path === '/json') res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    else if (path === '/big') res.writeHead(200, { 'content-type': 'text/html' }).end('x'.repeat(20_000));
    else if (path === '/slow') setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end(page), 2_000);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Only the test server's address is let through, and only here. */
const local = () => ({
  ports: [port, 80, 443],
  allowAddress: (a: string) => a === '127.0.0.1',
  resolve: async (host: string) =>
    ({ 'recipes.test': ['127.0.0.1'], 'inside.test': ['10.0.0.7'] })[host] ?? Promise.reject(new Error('ENOTFOUND')),
});

async function refusal(url: string, options = {}): Promise<DomainError> {
  const error = await fetchPage(url, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('refusedAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['224.0.0.1', 'multicast'],
    ['0.1.2.3', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fd00:ec2::254', 'private'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
  ])('%s is refused (%s)', (address, kind) => {
    expect(refusedAddress(address)).toContain(kind);
  });

  it.each(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'])('%s, public, passes', (address) => {
    expect(refusedAddress(address)).toBeNull();
  });
});

describe('fetchPage refuses', () => {
  it.each([
    'http://127.0.0.1/',
    'http://10.0.0.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.100.100.200/',
    'http://0.0.0.0/',
    'http://0x7f.1/',
    'http://2130706433/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[fe80::1]/',
    'https://[ff02::1]/',
  ])('the literal address %s, without naming it', async (url) => {
    const error = await refusal(url);
    expect(error.code).toBe('failed_precondition');
    expect(error.message).toMatch(/only pages on the public internet/);
    expect(error.message).not.toMatch(/127\.0\.0\.1|169\.254|10\.0\.0|::1|0x7f|ffff/);
  });

  it('a name that resolves to an internal address, or to one among public ones', async () => {
    const resolve = async (host: string) =>
      host === 'sneaky.example' ? ['127.0.0.1'] : host === 'mixed.example' ? ['93.184.215.14', '192.168.0.2'] : [];
    for (const url of ['https://sneaky.example/recipe', 'https://mixed.example/recipe']) {
      const error = await refusal(url, { resolve });
      expect(error.code).toBe('failed_precondition');
      expect(error.message).toContain(new URL(url).hostname);
      expect(error.message).not.toMatch(/127\.0|192\.168/);
    }
  });

  it.each(['file:///etc/passwd', 'gopher://example.com/', 'ftp://example.com/a.html', 'javascript:alert(1)', 'not a url'])(
    '%s as invalid_argument',
    async (url) => {
      expect((await refusal(url)).code).toBe('invalid_argument');
    },
  );

  it('ports other than the allowed ones', async () => {
    const error = await refusal('http://example.com:8080/');
    expect(error.code).toBe('invalid_argument');
    expect(error.message).toContain('8080');
    expect(checkUrl('http://example.com:8080/', [8080]).port).toBe('8080');
  });

  it('a redirect to the metadata address or to a name inside', async () => {
    for (const path of ['to-metadata', 'to-loopback-name']) {
      const error = await refusal(`http://recipes.test:${port}/${path}`, local());
      expect(error.code).toBe('failed_precondition');
      expect(error.message).not.toMatch(/169\.254|10\.0\.0/);
    }
  });

  it('more than 5 redirects', async () => {
    expect((await refusal(`http://recipes.test:${port}/loop0`, local())).message).toMatch(/more than 5 times/);
  });

  it('what is not HTML, what is too big, what is too slow', async () => {
    expect((await refusal(`http://recipes.test:${port}/json`, local())).message).toMatch(/not a web page/);
    expect((await refusal(`http://recipes.test:${port}/big`, { ...local(), maxBytes: 10_000 })).message).toMatch(/larger than/);
    expect((await refusal(`http://recipes.test:${port}/slow`, { ...local(), timeoutMs: 300 })).message).toMatch(/too long/);
  });
});

describe('fetchPage fetches', () => {
  it('a page through a redirect, connecting to the vetted address (the name is unknown to DNS)', async () => {
    const fetched = await fetchPage(`http://user:secret@recipes.test:${port}/to-recipe`, local());
    expect(fetched.url).toBe(`http://recipes.test:${port}/recipe`);
    expect(fetched.contentType).toBe('text/html');
    expect(extractRecipe(fetched.html, fetched.url).title).toBe('Leek soup');
  });

  it('nothing internal without the test-only allow-list', async () => {
    const { allowAddress: _, ...noAllowList } = local();
    expect((await refusal(`http://recipes.test:${port}/recipe`, noAllowList)).code).toBe('failed_precondition');
  });
});
