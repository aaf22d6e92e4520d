import { describe, expect, it } from 'vitest';
import { ErrorPage, NotFoundPage } from '../src/components/pages';
import { onLoadError } from '../src/lib/status';
import { routeTree } from '../src/routeTree.gen';

type Node = { isRoot: boolean; options: Record<string, unknown>; children?: Record<string, Node> | Node[] };

function walk(node: Node): Node[] {
  const children = Object.values(node.children ?? {});
  return [node, ...children.flatMap(walk)];
}

/**
 * Every page says what it shows when its data cannot be loaded or does not exist, and which
 * status that answers (TanStack Start's errorComponent/notFoundComponent, our onError).
 */
describe('the routes', () => {
  // Pages, not files answered by a handler alone (robots.txt, sitemap.xml): those say what went wrong themselves.
  const pages = walk(routeTree as unknown as Node).filter((r) => !r.isRoot && !(r.options.server && !r.options.component));

  it('are all here', () => expect(pages.length).toBeGreaterThanOrEqual(10));

  it('keep the layout around errors and missing pages', () => {
    expect(routeTree.options.errorComponent).toBeTypeOf('function');
    expect(routeTree.options.notFoundComponent).toBe(NotFoundPage);
  });

  it.each(pages.map((r) => [r.options.id, r] as const))(
    '%s declares its error and not-found pages and its error status',
    (_id, route) => {
      expect(route.options.errorComponent).toBe(ErrorPage);
      expect(route.options.notFoundComponent).toBe(NotFoundPage);
      expect(route.options.onError).toBe(onLoadError);
    },
  );
});
