/**
 * Preloaded into the process under test by bench/memory.ts (`NODE_OPTIONS=--import …`):
 * appends process.memoryUsage() to MEMORY_SAMPLES every 100 ms, one JSON line each, so the
 * bench sees the V8 heap and native buffers beside the RSS, not the RSS alone.
 */
import { appendFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const file = process.env.MEMORY_SAMPLES;
if (file) {
  setInterval(() => {
    const m = process.memoryUsage();
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]));
    const sample = {
      t: Date.now(),
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      newSpace: spaces.new_space ?? 0,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
    };
    appendFileSync(file, `${JSON.stringify(sample)}\n`);
  }, 100).unref();
}
