import type { Transport } from '@connectrpc/connect';
import { serveStdio, StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import type { RateLimiter, Telemetry } from '@yeet/platform';
import { createMcpServer } from './server.ts';

/**
 * MCP over stdin/stdout, for desktop assistants that start a local process. The tools call
 * a running platform's API (`transport`), as the person whose token `credentials` gives.
 * Resolves when the client closes the connection.
 */
export async function serveMcpOverStdio(o: {
  transport: Transport;
  credentials: () => Promise<Record<string, string>>;
  publicUrl: string;
  telemetry: Telemetry;
  limiter: RateLimiter;
}): Promise<void> {
  // It acts with the token of `yeet login` (or MCP_ACCESS_TOKEN): someone is signed in.
  // The client's opening message picks the protocol era for the connection: a 2025
  // revision's initialize, or a 2026-07-28 request (server/discover) with its envelope.
  const wire = new ClosingStdioTransport();
  serveStdio(() => createMcpServer({ ...o, caller: 'stdio', signedIn: true }), { transport: wire });
  await wire.closed;
}

/** Stdio that says when the client has gone (stdin ended): the serving entry owns its onclose. */
class ClosingStdioTransport extends StdioServerTransport {
  #resolve: () => void = () => {};
  readonly closed = new Promise<void>((resolve) => (this.#resolve = resolve));
  override async close(): Promise<void> {
    await super.close();
    this.#resolve();
  }
}
