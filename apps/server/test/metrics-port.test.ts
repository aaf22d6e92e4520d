import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';

/** METRICS_PORT (0: a free one) keeps /metrics off the site's port. */
let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform({ METRICS_PORT: '0' });
});

afterAll(async () => {
  await t?.stop();
});

describe('with METRICS_PORT', () => {
  it('serves /metrics there and answers 404 for it on the site port', async () => {
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.baseUrl}/metrics`)).status).toBe(404);
    expect(new URL(t.platform.metricsUrl).port).not.toBe(new URL(t.baseUrl).port);
    const res = await fetch(t.platform.metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    // What the site's port answered is counted, the 404 for /metrics included.
    expect(await res.text()).toMatch(/yeet_http_request_duration_seconds_count\{route="unmatched",method="GET",status="404"\} 1/);
    expect((await fetch(`${new URL(t.platform.metricsUrl).origin}/healthz`)).status).toBe(404);
  });
});
