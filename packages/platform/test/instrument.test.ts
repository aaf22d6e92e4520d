import { describe, expect, it } from 'vitest';
import { expectedErrors, instrument, observe, type Telemetry } from '../src/instrument.ts';
import { createMetrics } from '../src/metrics.ts';
import { captureLogs } from '../../../test/support/logs.ts';

class Refusal extends Error {
  readonly code = 'not_found';
}
const classify = expectedErrors((e): e is Refusal => e instanceof Refusal);

class Counter {
  #count = 0;
  get count() {
    return this.#count;
  }
  async add(n: number) {
    this.#count += n;
    return this.#count;
  }
  double(n: number) {
    return n * 2;
  }
  async fail(): Promise<never> {
    throw new Error('kaboom');
  }
  async refuse(): Promise<never> {
    throw new Refusal('no such thing');
  }
  async impersonate(): Promise<never> {
    throw Object.assign(new Error('looks expected'), { name: 'DomainError', code: 'not_found' });
  }
}

function setup() {
  const { logger, lines } = captureLogs();
  const metrics = createMetrics({ defaultMetrics: false });
  const telemetry: Telemetry = { logger, metrics };
  const logs = () => lines;
  return { logs, metrics, telemetry, counter: instrument('store', 'Counter', new Counter(), telemetry, classify) };
}

describe('instrument', () => {
  it('keeps methods and getters working on classes with private fields, and sync methods sync', async () => {
    const { counter } = setup();
    expect(await counter.add(2)).toBe(2);
    expect(counter.count).toBe(2);
    expect(counter.double(3)).toBe(6);
  });

  it('times every call by layer, operation and outcome', async () => {
    const { counter, metrics } = setup();
    await counter.add(1);
    await counter.refuse().catch(() => {});
    await counter.fail().catch(() => {});
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/yeet_operation_duration_seconds_count\{layer="store",operation="Counter.add",outcome="ok"\} 1/);
    expect(text).toMatch(/operation="Counter.refuse",outcome="not_found"\} 1/);
    expect(text).toMatch(/operation="Counter.fail",outcome="internal"\} 1/);
  });

  it('logs faults once, with their context, and not expected errors', async () => {
    const { counter, logs } = setup();
    await counter.refuse().catch(() => {});
    const error = await counter.fail().catch((e: unknown) => e);
    expect(logs()).toHaveLength(1);
    expect(logs()[0]).toMatchObject({ level: 'error', layer: 'store', operation: 'Counter.fail', err: { message: 'kaboom' } });
    expect(error).toBeInstanceOf(Error);
  });

  it('takes only what the guard recognises as expected, not an error that merely calls itself DomainError', async () => {
    const { counter, logs, metrics } = setup();
    await counter.impersonate().catch(() => {});
    expect(await metrics.registry.metrics()).toMatch(/operation="Counter.impersonate",outcome="internal"\} 1/);
    expect(logs()[0]).toMatchObject({ level: 'error', operation: 'Counter.impersonate' });
  });
});

describe('observe', () => {
  const edge = (name: string) => ({
    kind: 'server' as const,
    name,
    system: 'connect_rpc',
    context: () => ({ caller: 'anonymous' }),
  });

  it('at the edge, counts by code and notes a caller mistake at info', async () => {
    const { telemetry, logs, metrics } = setup();
    await observe(telemetry, edge('Svc/Get'), async () => 'fine', classify);
    await observe(telemetry, edge('Svc/Get'), async () => Promise.reject(new Refusal('Recipe was not found.')), classify).catch(
      () => {},
    );
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/yeet_rpc_duration_seconds_count\{method="Svc\/Get",code="ok"\} 1/);
    expect(text).toMatch(/yeet_rpc_duration_seconds_count\{method="Svc\/Get",code="not_found"\} 1/);
    expect(logs()).toEqual([
      expect.objectContaining({
        level: 'info',
        rpc: 'Svc/Get',
        code: 'not_found',
        caller: 'anonymous',
        msg: 'Recipe was not found.',
      }),
    ]);
  });

  it('does not log a fault again when an outer layer rethrows it as the cause of another error', async () => {
    const { telemetry, counter, logs } = setup();
    const error = await observe(
      telemetry,
      edge('Svc/Fail'),
      () => counter.fail().catch((cause: unknown) => Promise.reject(new Error('Something went wrong on our side.', { cause }))),
      classify,
    ).catch((e: unknown) => e);
    expect((error as Error).cause).toMatchObject({ message: 'kaboom' });
    expect(logs()).toEqual([expect.objectContaining({ level: 'error', operation: 'Counter.fail' })]);
  });

  it('times jobs by task and outcome, and logs their failures with the context given', async () => {
    const { telemetry, logs, metrics } = setup();
    const job = { kind: 'consumer' as const, name: 'reindex', system: 'graphile_worker', context: () => ({ attempt: 2 }) };
    const everyFailure = () => ({ label: 'error', fault: true });
    await observe(telemetry, job, async () => {}, everyFailure);
    await observe(telemetry, job, () => Promise.reject(new Refusal('gone')), everyFailure).catch(() => {});
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/yeet_job_duration_seconds_count\{task="reindex",outcome="ok"\} 1/);
    expect(text).toMatch(/yeet_job_duration_seconds_count\{task="reindex",outcome="error"\} 1/);
    expect(logs()).toEqual([
      expect.objectContaining({ level: 'error', task: 'reindex', attempt: 2, err: expect.objectContaining({ message: 'gone' }) }),
    ]);
  });
});
