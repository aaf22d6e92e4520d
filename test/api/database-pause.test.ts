import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Code } from '@connectrpc/connect';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '@yeet/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresProcesses } from '../../bench/load/platform.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectCode, recipeInput } from '../support/recipes.ts';

/**
 * Issue 14, fault pg-pause: PostgreSQL stopped (SIGSTOP) held every request for the whole
 * pause. With DATABASE_QUERY_TIMEOUT_MS a request fails within its bound with `unavailable`
 * (503), and service comes back by itself once PostgreSQL resumes. The platform gets a
 * PostgreSQL of its own: pausing the shared test server would stall other test files.
 */
const timeoutMs = 1000;
/** The client gives up 1 s after the statement timeout (packages/db/src/connect.ts); the rest is a loaded machine's margin. */
const boundMs = timeoutMs + 1000 + 1500;

let server: EmbeddedDatabase;
let t: TestPlatform;
const dataDir = `/tmp/yeet-pause-${process.pid}-${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  server = await startEmbeddedPostgres({ dataDir, ephemeral: true });
  t = await startTestPlatform({ DATABASE_QUERY_TIMEOUT_MS: String(timeoutMs) }, { url: server.url, drop: async () => {} });
}, 120_000);
afterAll(async () => {
  await t?.stop();
  await server?.stop();
});

function signalAll(pids: number[], signal: NodeJS.Signals) {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone already
    }
  }
}

describe('a paused database', () => {
  it('fails requests within the bound with unavailable (503), and serves again soon after it resumes', async () => {
    const author = t.recipes('alice', ['author']);
    const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'Paused Pie' }) });
    const id = recipe!.id;
    const read = () => author.getRecipe({ key: { case: 'id', value: id } });
    await read();

    const pids = await postgresProcesses(path.join(dataDir, 'pg'));
    expect(pids.length).toBeGreaterThan(1);
    signalAll(pids, 'SIGSTOP');
    let resumedAt = 0;
    try {
      const started = Date.now();
      const [error, raw, write] = await Promise.all([
        expectCode(read(), Code.Unavailable),
        fetch(`${t.baseUrl}/api/yeet.v1.RecipeService/GetRecipe`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id }),
        }),
        expectCode(
          author.createRecipe({ recipe: recipeInput({ title: 'Paused Pie 2' }) }, { headers: { 'Idempotency-Key': 'paused' } }),
          Code.Unavailable,
        ),
      ]);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(boundMs);
      expect(error.rawMessage).toMatch(/did not answer in time.*Try again/);
      expect(write.code).toBe(Code.Unavailable);
      expect(raw.status).toBe(503);
      expect(await raw.json()).toMatchObject({ code: 'unavailable' });
    } finally {
      signalAll([...new Set([...pids, ...(await postgresProcesses(path.join(dataDir, 'pg')))])], 'SIGCONT');
      resumedAt = Date.now();
    }

    // Back by itself: the first read that succeeds, within 2 s of SIGCONT.
    let served = false;
    while (!served && Date.now() - resumedAt < 5000) {
      served = await read().then(
        () => true,
        () => false,
      );
    }
    expect(served).toBe(true);
    expect(Date.now() - resumedAt).toBeLessThan(2000);
    // The keyed write that failed left nothing: its retry runs.
    await author.createRecipe({ recipe: recipeInput({ title: 'Paused Pie 2' }) }, { headers: { 'Idempotency-Key': 'paused' } });
  }, 60_000);
});
