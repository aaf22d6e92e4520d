import { type CallToolResult, Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

/** The current protocol revision, negotiated as a client of it does: server/discover first. */
export const currentRevision = { versionNegotiation: { mode: 'auto' } } as const;

/**
 * MCP clients of one test file's platform (`/mcp`), signed in with a bearer token or not;
 * `closeAll` in the file's afterAll.
 */
export function mcpClients(baseUrl: () => string) {
  const clients: Client[] = [];
  return {
    clients,
    async connect(token?: string, options: ConstructorParameters<typeof Client>[1] = currentRevision): Promise<Client> {
      const client = new Client({ name: 'eat-or-yeet-tests', version: '1.0.0' }, options);
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      await client.connect(new StreamableHTTPClientTransport(new URL(`${baseUrl()}/mcp`), { requestInit: { headers } }));
      clients.push(client);
      await client.listTools(); // from now on the client checks structured results against each tool's output schema
      return client;
    },
    async closeAll(): Promise<void> {
      for (const c of clients) await c.close();
    },
  };
}

export const call = async (client: Client, name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as CallToolResult;
export const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
/** A tool's structured result; its text as the error when the tool failed. */
export const data = <T = Record<string, unknown>>(r: CallToolResult) => {
  if (r.isError) throw new Error(`tool error: ${text(r)}`);
  return r.structuredContent as T;
};
