import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '@yeet/platform';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const helper = fileURLToPath(new URL('../apps/server/src/heap-growth.ts', import.meta.url));

/**
 * A busy server's heap in miniature: ~20 MB that stays, and batches of objects that live a
 * little while (requests in flight) and then die. Prints the largest heap it saw, in MB.
 */
const workload = `
import { getHeapStatistics } from 'node:v8';
const { boundHeapGrowth } = await import(${JSON.stringify(helper)});
boundHeapGrowth(Number(process.argv[1]));
const live = Array.from({ length: 150_000 }, (_, i) => ({ i, s: 'x'.repeat(50) + i }));
const inFlight = [];
let peak = 0;
for (let r = 0; r < 1500; r++) {
  inFlight.push(Array.from({ length: 2000 }, (_, i) => ({ r, i, s: 'y' + i })));
  if (inFlight.length > 40) inFlight.shift();
  if (r % 25 === 0) peak = Math.max(peak, getHeapStatistics().total_heap_size);
}
console.log(Math.round(peak / 2 ** 20), live.length);
`;

/** The workload in a node of its own, started with npm start's young-generation flag. */
async function peakHeapMb(percent: number): Promise<number> {
  const { stdout } = await run(
    process.execPath,
    ['--max-semi-space-size=8', '--input-type=module', '-e', workload, String(percent)],
    { timeout: 60_000 },
  );
  return Number(stdout.split(' ')[0]);
}

describe('HEAP_GROWING_PERCENT', () => {
  it('keeps the heap of a busy process near what lives in it (V8 alone lets it grow to several times that)', async () => {
    const [own, bounded] = await Promise.all([peakHeapMb(0), peakHeapMb(30)]);
    // Measured: ~206 MB with V8's own growing factor, ~112 MB bounded at 30 %.
    expect(bounded).toBeGreaterThan(0);
    expect(bounded).toBeLessThan(own * 0.75);
  }, 90_000);

  it('is 30 by default; 0 leaves V8 its own choice', () => {
    expect(loadConfig({}).heapGrowingPercent).toBe(30);
    expect(loadConfig({ HEAP_GROWING_PERCENT: '0' }).heapGrowingPercent).toBe(0);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: '-1' })).toThrow(/HEAP_GROWING_PERCENT/);
  });
});
