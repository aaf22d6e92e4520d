import { describe, expect, it } from 'vitest';
import { loadAll } from '../src/lib/status';

/** A route's loads: the page is not rendered (as an error page) while one is still under way. */
describe('loadAll', () => {
  it('throws the first failure only after the other loads have settled', async () => {
    let settled = false;
    const slow = new Promise((resolve) => setTimeout(resolve, 50)).then(() => {
      settled = true;
    });
    await expect(loadAll(Promise.reject(new Error('unavailable')), slow)).rejects.toThrow('unavailable');
    expect(settled).toBe(true);
  });

  it('throws the failure of the earliest load listed, whichever failed first', async () => {
    const late = new Promise((_, reject) => setTimeout(() => reject(new Error('first listed')), 20));
    await expect(loadAll(late, Promise.reject(new Error('second listed')))).rejects.toThrow('first listed');
  });

  it('resolves when every load does', async () => {
    await expect(loadAll(Promise.resolve(1), Promise.resolve('two'))).resolves.toBeUndefined();
  });
});
