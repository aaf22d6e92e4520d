import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { recipeInput } from '../support/recipes.ts';

/**
 * A web role renders pages from an API in another process: the calls between the two are
 * not compressed (on loopback or a cluster network, gzip at both ends costs more CPU than the
 * bytes it saves). A proxy between them records what each call asked for.
 */
const sessionSecret = 'render-hop-test-session-secret-0123456789';
let api: TestPlatform;
let web: TestPlatform;
let proxy: http.Server;
const asked: Array<{ url: string; acceptEncoding: string | undefined; contentEncoding: string | undefined }> = [];
let slug: string;

beforeAll(async () => {
  api = await startTestPlatform({ ROLE: 'all', SESSION_SECRET: sessionSecret });
  const target = new URL(api.baseUrl);
  proxy = http.createServer((req, res) => {
    const forwarded = http.request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        asked.push({
          url: req.url ?? '',
          acceptEncoding: req.headers['accept-encoding'],
          contentEncoding: answer.headers['content-encoding'],
        });
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  web = await startTestPlatform(
    { ROLE: 'web', API_URL: proxyUrl, PAGE_CACHE_SIZE: '0', SESSION_SECRET: sessionSecret },
    api.database,
  );
  const author = api.recipes('alice', ['author']);
  const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'Loopback Lentils' }) });
  await author.submitRecipe({ id: recipe!.id });
  await api.recipes('erin', ['editor']).approveRecipe({ id: recipe!.id });
  slug = recipe!.slug;
});
afterAll(async () => {
  await web?.stop();
  proxy?.close();
  await api?.stop();
});

describe('the web role calling the API over HTTP', () => {
  it('asks for uncompressed answers, and gets them', async () => {
    const page = await fetch(`${web.baseUrl}/r/${slug}`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Loopback Lentils');
    const calls = asked.filter((a) => a.url.startsWith('/api/'));
    // the recipe and its ratings, at least
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const call of calls) {
      expect(call.acceptEncoding, call.url).toBe('identity');
      expect(call.contentEncoding, call.url).toBeUndefined();
    }
  });
});
