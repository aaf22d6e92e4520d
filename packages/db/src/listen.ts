import pg from 'pg';

export interface Listener {
  close(): Promise<void>;
}

/**
 * LISTENs on a channel on a dedicated connection, reconnecting with backoff when the
 * connection drops. `onState(false)` tells the caller notices may be missed until
 * `onState(true)`; `onNotify` runs for every notice.
 */
export function listen(
  url: string,
  channel: string,
  handlers: { onNotify: (payload: string) => void; onState: (connected: boolean) => void; onError?: (err: Error) => void },
): Listener {
  let client: pg.Client | null = null;
  let closed = false;
  let delay = 250;
  let timer: NodeJS.Timeout | undefined;

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ connectionString: url, application_name: 'eat-or-yeet-listener' });
    client = c;
    c.on('notification', (n) => {
      if (n.channel === channel) handlers.onNotify(n.payload ?? '');
    });
    c.on('error', (err) => {
      handlers.onError?.(err);
      retry(c);
    });
    try {
      await c.connect();
      await c.query(`listen ${c.escapeIdentifier(channel)}`);
      delay = 250;
      handlers.onState(true);
    } catch (err) {
      handlers.onError?.(err as Error);
      retry(c);
    }
  };

  const retry = (c: pg.Client) => {
    if (closed || client !== c) return;
    client = null;
    handlers.onState(false);
    c.end().catch(() => {});
    timer = setTimeout(connect, delay);
    delay = Math.min(delay * 2, 10_000);
  };

  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
