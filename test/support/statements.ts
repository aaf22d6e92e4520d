import pg from 'pg';

/**
 * The SQL statements the platform running in this process sends while `fn` runs. The hook is
 * installed when this module is imported, so import it before the platform starts: its pool
 * binds each client's query method when the client connects.
 */
let recording: string[] | null = null;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const q = args[0] as string | { text?: string } | null;
  recording?.push(typeof q === 'string' ? q : (q?.text ?? ''));
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

export async function recordStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  recording = statements;
  try {
    return { result: await fn(), statements };
  } finally {
    recording = null;
  }
}
