import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * "Tracing off costs nothing" by construction (bench/tracing.ts measures it): with no OTEL_*
 * variables the tracing module loads no SDK and registers nothing with @opentelemetry/api —
 * no tracer provider, no context manager, no propagator — so every span is the API's no-op
 * and every request runs the same code as without the module. Checked in a fresh process,
 * as main.ts loads the module first.
 */
const tracing = path.resolve(import.meta.dirname, '../../apps/server/src/tracing.ts');
const probe = `
import { createRequire } from 'node:module';
await import(${JSON.stringify(tracing)});
const api = globalThis[Symbol.for('opentelemetry.js.api.1')] ?? {};
const loaded = Object.keys(createRequire(import.meta.url).cache);
console.log(JSON.stringify({
  registered: Object.keys(api).filter((key) => key !== 'version').sort(),
  sdkLoaded: loaded.some((file) => file.includes('@opentelemetry/sdk-')),
}));
process.exit(0);
`;

async function afterLoading(env: Record<string, string>): Promise<{ registered: string[]; sdkLoaded: boolean }> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', probe], {
    env: { ...inherited, ...env },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

describe('the tracing module', () => {
  it('loads no SDK and registers nothing when no OTEL_* variable says where traces go', async () => {
    expect(await afterLoading({})).toEqual({ registered: [], sdkLoaded: false });
    // An exporter set to none is off too.
    expect(await afterLoading({ OTEL_TRACES_EXPORTER: 'none' })).toEqual({ registered: [], sdkLoaded: false });
  });

  it('registers the tracer provider, context manager and propagator when traces have somewhere to go', async () => {
    const on = await afterLoading({ OTEL_TRACES_EXPORTER: 'console' });
    expect(on.sdkLoaded).toBe(true);
    expect(on.registered).toEqual(expect.arrayContaining(['context', 'propagation', 'trace']));
  });
});
