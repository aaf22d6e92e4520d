import { createLogger } from '@yeet/platform';
import { describe, expect, it } from 'vitest';
import { defaultBackOff, SignInGuard, waitInWords } from '../src/limits/sign-in.ts';
import { createLimitStore } from '../src/limits/store.ts';

const logger = createLogger({ level: 'silent' });
const guard = (overrides: Partial<typeof defaultBackOff> = {}) =>
  new SignInGuard(createLimitStore({ store: 'memory', redisUrl: null }, null, logger), logger, {
    ...defaultBackOff,
    ...overrides,
  });

describe('SignInGuard', () => {
  it('lets the first failures of a pair through, then waits 1 s, doubling up to the cap', async () => {
    const g = guard({ pairCapSeconds: 4 });
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      await g.failed('owner@example.com', '198.51.100.1');
      waits.push(Math.ceil(((await g.wait('owner@example.com', '198.51.100.1'))?.ms ?? 0) / 1000));
    }
    expect(waits).toEqual([0, 0, 0, 0, 1, 2, 4, 4]);
    // the same account from elsewhere, and another account from here, do not wait
    expect(await g.wait('owner@example.com', '192.0.2.1')).toBeNull();
    expect(await g.wait('other@example.com', '198.51.100.1')).toBeNull();
  });

  it('a success clears its pair only', async () => {
    const g = guard();
    for (let i = 0; i < 6; i++) await g.failed('owner@example.com', '198.51.100.2');
    expect((await g.wait('owner@example.com', '198.51.100.2'))?.reason).toBe('pair');
    await g.succeeded('owner@example.com', '198.51.100.2');
    expect(await g.wait('owner@example.com', '198.51.100.2')).toBeNull();
  });

  it('slows an address past its ceiling over all accounts, and an account past its own over all addresses', async () => {
    const g = guard({ addressCeiling: 3, accountCeiling: 4, slowCapSeconds: 2 });
    for (let i = 0; i < 3; i++) await g.failed(`guess${i}@example.com`, '198.51.100.3');
    expect(await g.wait('anyone@example.com', '198.51.100.3')).toMatchObject({ reason: 'address' });
    for (let i = 0; i < 4; i++) await g.failed('owner@example.com', `192.0.2.${10 + i}`);
    const wait = await g.wait('owner@example.com', '192.0.2.99');
    expect(wait).toMatchObject({ reason: 'account' });
    expect(wait!.ms).toBeLessThanOrEqual(2_000);
  });

  it('says a wait in seconds or minutes', () => {
    expect([waitInWords(1), waitInWords(1_000), waitInWords(45_500), waitInWords(180_000)]).toEqual([
      '1 s',
      '1 s',
      '46 s',
      '3 min',
    ]);
  });
});
