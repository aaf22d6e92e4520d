import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourcePageSize } from '../../apps/api/src/mcp/server.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { recipeInput } from '../support/recipes.ts';

/** What an MCP client learns about the catalogue: every published recipe, and only promises the server keeps. */
let t: TestPlatform;
let client: Client; // the current protocol revision
let previous: Client; // a 2025-11-25 client
const published: string[] = [];

beforeAll(async () => {
  t = await startTestPlatform({ ROLE: 'api', MCP_RATE_LIMIT: '1000' });
  const writer = t.recipes('chef', ['author']);
  const editor = t.recipes('erin-dev', ['editor']);
  // More than one page of published recipes, and one draft that must not be listed.
  for (let i = 0; i < resourcePageSize + 7; i++) {
    const { recipe } = await writer.createRecipe({ recipe: recipeInput({ title: `Catalogue Stew ${i}` }) });
    await writer.submitRecipe({ id: recipe!.id });
    await editor.approveRecipe({ id: recipe!.id });
    published.push(`recipe://${recipe!.slug}`);
  }
  await writer.createRecipe({ recipe: recipeInput({ title: 'Unfinished Draft' }) });
  client = new Client({ name: 'eat-or-yeet-tests', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${t.baseUrl}/mcp`)));
  previous = new Client({ name: 'eat-or-yeet-tests', version: '1.0.0' }, { supportedProtocolVersions: ['2025-11-25'] });
  await previous.connect(new StreamableHTTPClientTransport(new URL(`${t.baseUrl}/mcp`)));
}, 180_000);
afterAll(async () => {
  await client?.close();
  await previous?.close();
  await t?.stop();
});

describe('MCP resources and capabilities', () => {
  it('lists every published recipe once, a page at a time, with nextCursor until the last page', async () => {
    for (const c of [client, previous]) {
      // The first page as any client asks for it (the SDK's listResources() would walk every page).
      const first = await fetch(`${t.baseUrl}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'resources/list', params: {} }),
      });
      const { result } = (await first.json()) as { result: { resources: Array<{ uri: string }>; nextCursor?: string } };
      expect(result.resources).toHaveLength(resourcePageSize);
      const seen = result.resources.map((r) => r.uri);
      let cursor = result.nextCursor;
      let pages = 1;
      while (cursor && pages < 10) {
        const page = await c.listResources({ cursor });
        expect(page.resources.length).toBeLessThanOrEqual(resourcePageSize);
        seen.push(...page.resources.map((r) => r.uri));
        cursor = page.nextCursor;
        pages += 1;
      }
      expect(pages).toBe(2);
      expect(seen.sort()).toEqual([...published].sort());
      // and the SDK's own walk through every page finds the same
      expect((await c.listResources()).resources.map((r) => r.uri).sort()).toEqual([...published].sort());
    }
  });

  it('does not promise list-change notifications a stateless server never sends', () => {
    for (const capabilities of [client.getDiscoverResult()!.capabilities, previous.getServerCapabilities()!]) {
      expect(capabilities.resources).toBeDefined();
      expect(capabilities.resources?.listChanged).not.toBe(true);
      expect(capabilities.prompts?.listChanged).not.toBe(true);
      expect(capabilities.tools?.listChanged).not.toBe(true);
    }
  });

  it('describes tools with schemas that use no type arrays (portable to every client)', async () => {
    const { tools } = await client.listTools();
    const typeArrays: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (node === null || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node)) {
        if (k === 'type' && Array.isArray(v)) typeArrays.push(where);
        walk(v, `${where}.${k}`);
      }
    };
    for (const tool of tools) {
      walk(tool.inputSchema, `${tool.name}.input`);
      walk(tool.outputSchema, `${tool.name}.output`);
    }
    expect(typeArrays).toEqual([]);
    // a nullable field still accepts null: the meaning is kept
    const search = tools.find((x) => x.name === 'search_recipes')!;
    expect(JSON.stringify(search.outputSchema)).toContain('{"type":"null"}');
  });
});
