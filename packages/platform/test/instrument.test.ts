import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { instrument } from '../src/instrument.ts';
import { createLogger } from '../src/logger.ts';
import { createMetrics } from '../src/metrics.ts';

class Counter {
  #count = 0;
  get count() {
    return this.#count;
  }
  async add(n: number) {
    this.#count += n;
    return this.#count;
  }
  async fail(): Promise<never> {
    throw new Error('kaboom');
  }
  async refuse(): Promise<never> {
    throw Object.assign(new Error('no such thing'), { name: 'DomainError', code: 'not_found' });
  }
}

function setup() {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }) as never,
  });
  const metrics = createMetrics({ defaultMetrics: false });
  return { lines, metrics, counter: instrument('store', 'Counter', new Counter(), { logger, metrics }) };
}

describe('instrument', () => {
  it('keeps methods and getters working on classes with private fields', async () => {
    const { counter } = setup();
    expect(await counter.add(2)).toBe(2);
    expect(counter.count).toBe(2);
  });

  it('times every call by layer, operation and outcome', async () => {
    const { counter, metrics } = setup();
    await counter.add(1);
    await counter.refuse().catch(() => {});
    await counter.fail().catch(() => {});
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/yeet_operation_duration_seconds_count\{layer="store",operation="Counter.add",outcome="ok"\} 1/);
    expect(text).toMatch(/outcome="not_found"\} 1/);
    expect(text).toMatch(/outcome="internal"\} 1/);
  });

  it('logs faults once, with their context, and not expected errors', async () => {
    const { counter, lines } = setup();
    await counter.refuse().catch(() => {});
    const error = await counter.fail().catch((e: unknown) => e);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', layer: 'store', operation: 'Counter.fail', err: { message: 'kaboom' } });
    expect(error).toBeInstanceOf(Error);
  });
});
