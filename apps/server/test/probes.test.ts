import Fastify from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureLogs } from '../../../test/support/logs.ts';
import { registerProbes } from '../src/probes.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('/readyz', () => {
  it('names the failing check without its details, which go to the log once a minute', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { logger, lines } = captureLogs('info');
    let down = true;
    const app = Fastify();
    registerProbes(
      app,
      [
        {
          name: 'database',
          check: async () => {
            if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:5999');
          },
        },
      ],
      logger,
    );
    const probe = async () => {
      const res = await app.inject('/readyz');
      return { status: res.statusCode, body: res.body };
    };

    for (let i = 0; i < 5; i++) {
      const res = await probe();
      expect(res.status).toBe(503);
      expect(JSON.parse(res.body)).toEqual({ status: 'unavailable', checks: { database: 'unavailable' } });
      expect(res.body).not.toContain('ECONNREFUSED');
      vi.advanceTimersByTime(1_000);
    }
    const failed = lines.filter((l) => l.check === 'database');
    expect(failed.map((l) => [l.level, l.msg])).toEqual([['warn', 'readiness check failed: not ready']]);
    expect(JSON.stringify(failed[0])).toContain('connect ECONNREFUSED 127.0.0.1:5999');

    vi.advanceTimersByTime(60_000);
    await probe();
    expect(lines.filter((l) => l.check === 'database').at(-1)).toMatchObject({
      msg: 'readiness check still failing',
      failures: 6,
    });

    down = false;
    expect(await probe()).toEqual({ status: 200, body: JSON.stringify({ status: 'ready', checks: { database: 'ok' } }) });
    expect(lines.filter((l) => l.check === 'database').at(-1)).toMatchObject({
      msg: 'readiness check passes again',
      failures: 6,
    });
    expect(lines.filter((l) => l.check === 'database')).toHaveLength(3);
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
  });
});
