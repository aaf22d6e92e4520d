import { invalidArgument, type FieldViolation } from './errors.ts';

/**
 * Web vitals reported by visitors' browsers (TelemetryService.ReportWebVitals): which routes a
 * report may name and which values are believable. The web app imports this module too
 * (`@yeet/domain/web-vitals`), to name the route it reports.
 */

/**
 * The web app's pages, as route patterns: the only labels a report may carry, so a metric has
 * one series per page type whatever URLs are visited. packages/domain/test/web-vitals.test.ts checks this
 * list against the app's route tree (robots.txt, sitemap.xml and the calendar feed are not pages).
 */
export const pageRoutes = [
  '/',
  '/account',
  '/admin/audit',
  '/admin/users',
  '/c/$token',
  '/import',
  '/me/collections',
  '/me/collections/$id',
  '/me/recipes',
  '/meal-plan',
  '/new',
  '/r/$slug',
  '/r/$slug/edit',
  '/r/$slug/history',
  '/review',
  '/search',
  '/shopping-list',
] as const;
export type PageRoute = (typeof pageRoutes)[number];

export const isPageRoute = (value: string): value is PageRoute => (pageRoutes as readonly string[]).includes(value);

// "/r/$slug" matches "/r/cacio-e-pepe"; a path segment never spans a slash.
const matchers = pageRoutes.map((route) => {
  const pattern = route.replace(/\$[a-z]+/gi, '[^/]+');
  return [route, new RegExp(`^${pattern}/?$`)] as const;
});

/** The pattern of the page at `pathname` ("/r/cacio-e-pepe" → "/r/$slug"); undefined when none is. */
export function pageRouteOf(pathname: string): PageRoute | undefined {
  return matchers.find(([, re]) => re.test(pathname))?.[0];
}

/** One page load's vitals; each absent when the page had none (no interaction: no INP). */
export interface WebVitals {
  route: string;
  lcpSeconds?: number;
  inpSeconds?: number;
  cls?: number;
  ttfbSeconds?: number;
}

/**
 * The largest value believed. Times past two minutes are a tab left in the background or a
 * broken clock, not a slow page. A layout shift scores at most 1 per frame and CLS counts a
 * window of 5 s, but real pages stay far below 1: 10 is generous, and keeps a forged report
 * from moving the histogram's sum much.
 */
export const webVitalLimits = { lcpSeconds: 120, inpSeconds: 120, ttfbSeconds: 120, cls: 10 } as const;

/** Throws invalid_argument naming every field out of range, and the route if it is not a page. */
export function checkWebVitals(report: WebVitals): void {
  const violations: FieldViolation[] = [];
  if (!isPageRoute(report.route)) {
    violations.push({ field: 'route', description: `must be one of the web app's routes: ${pageRoutes.join(', ')}` });
  }
  for (const [field, max] of Object.entries(webVitalLimits) as Array<[keyof typeof webVitalLimits, number]>) {
    const value = report[field];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0 && value <= max)) {
      violations.push({ field, description: `must be a number from 0 to ${max}` });
    }
  }
  if (violations.length) throw invalidArgument(violations);
}
