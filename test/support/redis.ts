import { Socket } from 'node:net';

/**
 * The Redis the rate-limit tests use: REDIS_TEST_URL, else a local one at 127.0.0.1:6379.
 * CI runs one and sets REQUIRE_REDIS=1, so a missing Redis fails there; on a machine
 * without it the tests that need it are skipped with a note.
 */
const url = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

/** Whether a Redis answers PING at `url` within a second. */
function answers(target: string): Promise<boolean> {
  const { hostname, port } = new URL(target);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(port || 6379), hostname, () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

export const redisUrl: string | null = (await answers(url)) ? url : null;

if (!redisUrl && process.env.REQUIRE_REDIS) {
  throw new Error(`REQUIRE_REDIS is set but no Redis answers at ${url} (set REDIS_TEST_URL or start one)`);
}
if (!redisUrl) console.warn(`Redis tests skipped: no Redis answers at ${url}. Start one or set REDIS_TEST_URL.`);
