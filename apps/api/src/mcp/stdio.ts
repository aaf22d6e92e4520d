import type { Transport } from '@connectrpc/connect';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
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
  // it acts with the token of `yeet login` (or MCP_ACCESS_TOKEN): someone is signed in
  const server = createMcpServer({ ...o, caller: 'stdio', signedIn: true });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
  await server.connect(transport);
  await closed;
}
