import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { isDomainError } from '../src/errors.ts';
import { checkWebVitals, pageRouteOf, pageRoutes } from '../src/web-vitals.ts';

const refusal = (report: Parameters<typeof checkWebVitals>[0]) => {
  try {
    checkWebVitals(report);
    return null;
  } catch (error) {
    return isDomainError(error) ? error.violations.map((v) => v.field) : error;
  }
};

describe('the routes a web vitals report may name', () => {
  it('are the pages of the web app’s route tree', async () => {
    const tree = await readFile(new URL('../../../apps/web/src/routeTree.gen.ts', import.meta.url), 'utf8');
    const byFullPath = /export interface FileRoutesByFullPath \{([\s\S]*?)\n\}/.exec(tree)?.[1] ?? '';
    const routes = [...byFullPath.matchAll(/^\s*'([^']+)':/gm)].map((m) => m[1]);
    // files and form endpoints, not pages: no one looks at them in a browser tab (/lang sets the
    // language and answers 303 back to the page)
    const files = ['/robots.txt', '/sitemap.xml', '/plan/{$token}.ics', '/lang'];
    expect(routes.filter((r) => !files.includes(r as string)).sort()).toEqual([...pageRoutes].sort());
  });

  it.each([
    ['/', '/'],
    ['/r/cacio-e-pepe', '/r/$slug'],
    ['/r/cacio-e-pepe/', '/r/$slug'],
    ['/r/cacio-e-pepe/edit', '/r/$slug/edit'],
    ['/me/collections/0b7c', '/me/collections/$id'],
    ['/search', '/search'],
    ['/r', undefined],
    ['/r/a/b', undefined],
    ['/robots.txt', undefined],
  ])('%s is the page %s', (path, route) => {
    expect(pageRouteOf(path)).toBe(route);
  });
});

describe('a report’s values', () => {
  it('are believed from 0 up to their limit; absent ones are fine', () => {
    expect(refusal({ route: '/r/$slug', lcpSeconds: 0, inpSeconds: 120, cls: 10, ttfbSeconds: 0.2 })).toBeNull();
    expect(refusal({ route: '/' })).toBeNull();
  });

  it('are refused all at once when negative, too large or not finite, and so is a URL for a route', () => {
    expect(
      refusal({ route: '/r/cacio-e-pepe', lcpSeconds: -0.1, inpSeconds: Number.NaN, cls: 10.5, ttfbSeconds: Infinity }),
    ).toEqual(['route', 'lcpSeconds', 'inpSeconds', 'ttfbSeconds', 'cls']);
  });
});
