import { Code, ConnectError } from '@connectrpc/connect';
import { TelemetryService } from '@yeet/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * TelemetryService.ReportWebVitals: what a page's beacon sends becomes histograms on /metrics,
 * by route pattern; unbelievable reports are refused and counted; anonymous reports are
 * rate-limited as writes. TRUST_PROXY lets each test come from an address of its own.
 */
let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ TRUST_PROXY: 'true', RATE_LIMIT_EXEMPT: 'none', RATE_LIMIT_ANONYMOUS: '50' });
});
afterAll(() => t?.stop());

let host = 0;
const address = () => `203.0.113.${++host}`;

/** As a page sends it: navigator.sendBeacon posts JSON with no Connect header. */
async function beacon(body: unknown, from = address()) {
  const res = await fetch(`${t.baseUrl}/api/yeet.v1.TelemetryService/ReportWebVitals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { code?: string; message?: string } };
}

async function scrape(): Promise<string> {
  return (await fetch(`${t.baseUrl}/metrics`)).text();
}
const sample = (text: string, series: string) =>
  Number(new RegExp(`^${series.replace(/[{}"$/]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);

describe('web vitals from visitors', () => {
  it('become histograms by route pattern, each vital only when the page had it', async () => {
    const before = await scrape();
    const lcp = 'yeet_web_vitals_seconds_count{route="/r/$slug",metric="lcp"}';
    const inp = 'yeet_web_vitals_seconds_count{route="/r/$slug",metric="inp"}';
    const good = 'yeet_web_vitals_seconds_bucket{le="2.5",route="/r/$slug",metric="lcp"}';
    const cls = 'yeet_web_vitals_cls_count{route="/r/$slug"}';
    expect(await beacon({ route: '/r/$slug', lcpSeconds: 1.2, inpSeconds: 0.08, cls: 0, ttfbSeconds: 0.2 })).toEqual({
      status: 200,
      body: {},
    });
    // hidden before any interaction: no INP
    expect((await beacon({ route: '/r/$slug', lcpSeconds: 3.1, cls: 0.02, ttfbSeconds: 0.3 })).status).toBe(200);
    const after = await scrape();
    expect(sample(after, lcp) - sample(before, lcp)).toBe(2);
    expect(sample(after, good) - sample(before, good)).toBe(1);
    expect(sample(after, inp) - sample(before, inp)).toBe(1);
    // a CLS of 0 is a page that did not move, and counts
    expect(sample(after, cls) - sample(before, cls)).toBe(2);
  });

  it('refuses a URL for a route, and values out of range, naming each field, and counts them', async () => {
    const before = await scrape();
    const url = await beacon({ route: '/r/cacio-e-pepe', lcpSeconds: 1 });
    expect(url.status).toBe(400);
    expect(url.body.message).toMatch(/^route: must be one of the web app's routes: \/, \/account/);
    const values = await beacon({ route: '/search', lcpSeconds: -1, cls: 11, inpSeconds: 'Infinity' });
    expect(values.status).toBe(400);
    expect(values.body.message).toBe(
      'lcpSeconds: must be a number from 0 to 120; inpSeconds: must be a number from 0 to 120; cls: must be a number from 0 to 10',
    );
    const after = await scrape();
    expect(
      sample(after, 'yeet_web_vitals_refused_total{reason="route"}') -
        sample(before, 'yeet_web_vitals_refused_total{reason="route"}'),
    ).toBe(1);
    expect(
      sample(after, 'yeet_web_vitals_refused_total{reason="value"}') -
        sample(before, 'yeet_web_vitals_refused_total{reason="value"}'),
    ).toBe(1);
    // nothing of a refused report is kept
    expect(after).not.toMatch(/yeet_web_vitals_seconds_count\{route="\/search"/);
  });

  it('are rate-limited per address as writes (5 units of the 50 a minute)', async () => {
    const from = address();
    for (let i = 0; i < 10; i++) expect((await beacon({ route: '/', ttfbSeconds: 0.1 }, from)).status).toBe(200);
    const refused = await beacon({ route: '/', ttfbSeconds: 0.1 }, from);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('resource_exhausted');
  });

  it('answer a Connect client too (binary)', async () => {
    const client = t.client(TelemetryService);
    await expect(client.reportWebVitals({ route: '/', lcpSeconds: 0.9 })).resolves.toEqual(expect.anything());
    const error = await client
      .reportWebVitals({ route: '/', lcpSeconds: Number.NaN })
      .catch((e: unknown) => ConnectError.from(e));
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.InvalidArgument);
  });
});
