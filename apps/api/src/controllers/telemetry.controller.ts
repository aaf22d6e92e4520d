import { checkWebVitals, isDomainError, isPageRoute, type WebVitals } from '@yeet/domain';
import type { Metrics } from '@yeet/platform';

/**
 * What browsers report of the site's speed (TelemetryService): checked, then kept in this
 * process's metrics for Prometheus to scrape. Nothing reaches the database.
 */
export class TelemetryController {
  readonly #metrics: Pick<Metrics, 'webVitals' | 'webVitalsCls' | 'webVitalsRefused'>;

  constructor(metrics: Pick<Metrics, 'webVitals' | 'webVitalsCls' | 'webVitalsRefused'>) {
    this.#metrics = metrics;
  }

  /** One page load's vitals; a report with anything unbelievable is refused whole, and counted. */
  reportWebVitals(vitals: WebVitals): void {
    try {
      checkWebVitals(vitals);
    } catch (error) {
      if (isDomainError(error)) this.#metrics.webVitalsRefused.inc({ reason: isPageRoute(vitals.route) ? 'value' : 'route' });
      throw error;
    }
    const { route } = vitals;
    const seconds = { lcp: vitals.lcpSeconds, inp: vitals.inpSeconds, ttfb: vitals.ttfbSeconds };
    for (const [metric, value] of Object.entries(seconds)) {
      if (value !== undefined) this.#metrics.webVitals.observe({ route, metric }, value);
    }
    if (vitals.cls !== undefined) this.#metrics.webVitalsCls.observe({ route }, vitals.cls);
  }
}
