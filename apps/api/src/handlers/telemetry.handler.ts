import type { ServiceImpl } from '@connectrpc/connect';
import type { TelemetryService } from '@yeet/contract';
import type { TelemetryController } from '../controllers/telemetry.controller.ts';

export function telemetryHandlers(telemetry: TelemetryController): ServiceImpl<typeof TelemetryService> {
  return {
    async reportWebVitals(req) {
      // proto3 `optional`: an unset value is undefined, not 0 (a CLS of 0 is a fine page)
      telemetry.reportWebVitals({
        route: req.route,
        lcpSeconds: req.lcpSeconds,
        inpSeconds: req.inpSeconds,
        cls: req.cls,
        ttfbSeconds: req.ttfbSeconds,
      });
      return {};
    },
  };
}
