import { pageRouteOf } from '@yeet/domain/web-vitals';

/**
 * The web vitals of this page load as the visitor saw it, sent once, as the page is hidden, to
 * TelemetryService.ReportWebVitals (docs/operations.md, "Web vitals"). Measured with
 * PerformanceObserver as web.dev defines each vital; the `web-vitals` library is not a
 * dependency, and the part of it needed here is a few hundred bytes. Loaded once the page is
 * idle (client.tsx): the observers ask for the entries buffered before then.
 */

type Vitals = { lcpSeconds?: number; inpSeconds?: number; cls?: number; ttfbSeconds?: number };
type LayoutShift = PerformanceEntry & { value: number; hadRecentInput: boolean };
type EventTiming = PerformanceEntry & { interactionId?: number };

export function reportWebVitals(): void {
  const route = pageRouteOf(location.pathname);
  if (!route || !navigator.sendBeacon || typeof PerformanceObserver === 'undefined') return;
  const supported = PerformanceObserver.supportedEntryTypes ?? [];
  const observe = <E extends PerformanceEntry>(type: string, each: (entry: E) => void, options: object = {}) => {
    if (!supported.includes(type)) return false;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) each(entry as E);
    }).observe({ type, buffered: true, ...options });
    return true;
  };
  const vitals: Vitals = {};
  const seconds = (ms: number) => Math.round(Math.max(ms, 0)) / 1000;

  // TTFB and LCP count from the navigation's start; a prerendered page's from when it was shown.
  const navigation = performance.getEntriesByType('navigation')[0] as
    | (PerformanceNavigationTiming & { activationStart?: number })
    | undefined;
  const start = navigation?.activationStart ?? 0;
  if (navigation && navigation.responseStart > 0) vitals.ttfbSeconds = seconds(navigation.responseStart - start);

  // LCP (web.dev/articles/lcp): the last largest-contentful-paint entry; none for a page loaded
  // in a background tab, whose paint waited for the visitor, not for us.
  if (document.visibilityState === 'visible') {
    observe('largest-contentful-paint', (e) => {
      vitals.lcpSeconds = seconds(e.startTime - start);
    });
  }

  // CLS (web.dev/articles/cls): the largest "session window" of layout shifts not caused by
  // the visitor — shifts less than 1 s apart, for at most 5 s.
  let cls = 0;
  let session = 0;
  let first = 0;
  let last = 0;
  const shifts = observe<LayoutShift>('layout-shift', (e) => {
    if (e.hadRecentInput) return;
    if (session > 0 && e.startTime - last < 1000 && e.startTime - first < 5000) session += e.value;
    else [session, first] = [e.value, e.startTime];
    last = e.startTime;
    cls = Math.max(cls, session);
  });

  // INP (web.dev/articles/inp): an interaction's latency is the longest duration of its events;
  // INP is the longest interaction, but one in every 50 is ignored as an outlier (so a page
  // with 120 interactions reports its third longest).
  const interactions = new Map<number, number>();
  const interaction = (e: EventTiming) => {
    if (e.interactionId) interactions.set(e.interactionId, Math.max(e.duration, interactions.get(e.interactionId) ?? 0));
  };
  observe<EventTiming>('event', interaction, { durationThreshold: 40 });
  observe<EventTiming>('first-input', interaction);

  addEventListener('visibilitychange', function send() {
    if (document.visibilityState !== 'hidden') return;
    // once per page load: the first time the visitor leaves it
    removeEventListener('visibilitychange', send);
    if (shifts) vitals.cls = Math.round(cls * 10_000) / 10_000;
    const longest = [...interactions.values()].sort((a, b) => b - a);
    // every interaction where the browser counts them (short ones too); else only those
    // observed, which skips fewer outliers: INP can only come out larger, never flattered
    const count = (performance as { interactionCount?: number }).interactionCount ?? longest.length;
    const inp = longest[Math.min(Math.floor(count / 50), longest.length - 1)];
    if (inp !== undefined) vitals.inpSeconds = seconds(inp);
    const body = new Blob([JSON.stringify({ route, ...vitals })], { type: 'application/json' });
    navigator.sendBeacon('/api/yeet.v1.TelemetryService/ReportWebVitals', body);
  });
}
