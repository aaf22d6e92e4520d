import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourcePageSize } from '../../apps/api/src/mcp/server.ts';
import { oidcFlow } from '../support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { recipeInput } from '../support/recipes.ts';

/**
 * The MCP server as the MCP Inspector's CLI sees it (`mcp-inspector --cli`, the tool the
 * issue was found with), over Streamable HTTP with a bearer token and over stdio
 * (`yeet mcp --stdio`), in the current protocol era (2026-07-28) and the previous one.
 */
const sessionSecret = 'mcp-inspector-session-secret-long-enough-0123';
const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'node_modules/.bin/mcp-inspector');
let t: TestPlatform;
let token = '';
let home = '';
const published: string[] = [];

beforeAll(async () => {
  t = await startTestPlatform({ SESSION_SECRET: sessionSecret, MCP_RATE_LIMIT: '1000' });
  const flow = oidcFlow(t.baseUrl, t.config, sessionSecret);
  token = (await flow.signUp({ email: 'ina@example.com', password: 'a long enough password', displayName: 'Ina' })).access_token;
  // more than one resources/list page
  const writer = t.recipes('chef', ['author']);
  const editor = t.recipes('erin-dev', ['editor']);
  for (let i = 0; i < resourcePageSize + 2; i++) {
    const { recipe } = await writer.createRecipe({ recipe: recipeInput({ title: `Inspected Stew ${i}` }) });
    await writer.submitRecipe({ id: recipe!.id });
    await editor.approveRecipe({ id: recipe!.id });
    published.push(`recipe://${recipe!.slug}`);
  }
  // the Inspector keeps a catalogue and OAuth state under HOME: a fresh one per run
  home = await mkdtemp(path.join(tmpdir(), 'yeet-inspector-'));
}, 180_000);
afterAll(async () => {
  await t?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

interface Run {
  result: Record<string, unknown>;
  stderr: string;
}

/** One Inspector CLI call; its JSON result, and what it said on stderr (warnings). */
async function inspect(target: string[], ...args: string[]): Promise<Run> {
  const { stdout, stderr } = await promisify(execFile)(
    bin,
    ['--cli', ...args, '--format', 'json', '--connect-timeout', '60000', ...target],
    {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: home },
      timeout: 60_000,
    },
  );
  return { result: (JSON.parse(stdout) as { result: Record<string, unknown> }).result, stderr };
}

const eras = ['modern', 'legacy'] as const;
const http = () => [`${t.baseUrl}/mcp`, '--header', `Authorization: Bearer ${token}`];
const stdio = () => [
  '-e',
  `PUBLIC_URL=${t.baseUrl}`,
  '-e',
  `MCP_ACCESS_TOKEN=${token}`,
  '-e',
  'LOG_LEVEL=warn',
  '--',
  process.execPath,
  path.join(root, 'apps/server/src/main.ts'),
  'mcp',
  '--stdio',
];

/** Everything a client does with the server, through the Inspector, in one protocol era. */
async function session(target: string[], era: (typeof eras)[number]) {
  const at = ['--protocol-era', era];

  const opened = await inspect(target, ...at, '--method', 'initialize');
  expect(opened.result.protocolVersion).toBe(era === 'modern' ? '2026-07-28' : '2025-11-25');
  expect(opened.result.capabilities).toEqual({
    prompts: { listChanged: false },
    resources: { listChanged: false },
    tools: { listChanged: false },
  });

  // strict: every tool schema portable, and nothing to warn about
  const listed = await inspect(target, ...at, '--method', 'tools/list', '--strict');
  expect(listed.stderr).not.toMatch(/warning|error/i);
  const names = (listed.result.tools as Array<{ name: string }>).map((tool) => tool.name);
  expect(names).toEqual(expect.arrayContaining(['search_recipes', 'get_recipe', 'create_recipe_draft']));

  const called = await inspect(
    target,
    ...at,
    '--method',
    'tools/call',
    '--tool-name',
    'get_recipe',
    '--tool-arg',
    'recipe=inspected-stew-3',
  );
  expect(called.result.isError).toBeFalsy();
  expect(called.result.structuredContent).toMatchObject({ slug: 'inspected-stew-3', title: 'Inspected Stew 3' });

  // the Inspector follows nextCursor to the end: more recipes than fit one page
  const resources = await inspect(target, ...at, '--method', 'resources/list');
  expect((resources.result.resources as Array<{ uri: string }>).map((r) => r.uri).sort()).toEqual([...published].sort());
  expect(resources.result.nextCursor).toBeUndefined();

  const read = await inspect(target, ...at, '--method', 'resources/read', '--uri', 'recipe://inspected-stew-0');
  expect(read.result.contents).toEqual([
    expect.objectContaining({
      uri: 'recipe://inspected-stew-0',
      mimeType: 'text/markdown',
      text: expect.stringMatching(/^# Inspected Stew 0/),
    }),
  ]);

  const prompts = await inspect(target, ...at, '--method', 'prompts/list');
  expect((prompts.result.prompts as Array<{ name: string }>).map((p) => p.name).sort()).toEqual([
    'recipe_from_text',
    'review_my_draft',
  ]);
  const prompt = await inspect(
    target,
    ...at,
    '--method',
    'prompts/get',
    '--prompt-name',
    'review_my_draft',
    '--prompt-args',
    'recipe=inspected-stew-1',
  );
  expect(JSON.stringify(prompt.result.messages)).toContain('Fetch my draft \\"inspected-stew-1\\" with get_recipe');

  // nothing else on stderr but, from the stdio server, which platform it talks to
  const platform = `yeet: talking to ${t.baseUrl} (PUBLIC_URL), as MCP_ACCESS_TOKEN\n`;
  expect(opened.stderr).toBe(target.includes('--stdio') ? platform : '');
  for (const run of [opened, called, resources, read, prompts, prompt]) expect(run.stderr.replace(platform, '')).toBe('');
}

describe('the MCP Inspector CLI', () => {
  for (const era of eras) {
    it(`works with /mcp in the ${era} protocol era`, () => session(http(), era), 120_000);
    it(`works with the stdio server in the ${era} protocol era`, () => session(stdio(), era), 300_000);
  }
});

describe('the protocol revisions on the wire', () => {
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.baseUrl}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      body: JSON.stringify(body),
    });
  const envelope = {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientCapabilities': {},
    'io.modelcontextprotocol/clientInfo': { name: 'curl', version: '1' },
  };

  it('answers server/discover (2026-07-28) with the versions and capabilities it has', async () => {
    const res = await post(
      { jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: envelope } },
      { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'server/discover' },
    );
    expect(res.status).toBe(200);
    const { result } = (await res.json()) as { result: Record<string, unknown> };
    // the 2025 revisions are negotiated with initialize, as ever (below)
    expect(result.supportedVersions).toEqual(['2026-07-28']);
    expect(result.capabilities).toEqual({
      prompts: { listChanged: false },
      resources: { listChanged: false },
      tools: { listChanged: false },
    });
    expect(result.instructions).toContain('search_recipes');
  });

  it('answers a 2026-07-28 request without a handshake', async () => {
    const res = await post(
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'get_recipe', arguments: { recipe: 'inspected-stew-2' }, _meta: envelope },
      },
      { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'get_recipe' },
    );
    const { result } = (await res.json()) as { result: { structuredContent: { title: string } } };
    expect(result.structuredContent.title).toBe('Inspected Stew 2');
  });

  it('challenges a 2026-07-28 call that needs someone signed in, as it does a 2025 one (decision 0015)', async () => {
    const call = (name: string, headers: Record<string, string> = {}) =>
      post(
        { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name, arguments: {}, _meta: envelope } },
        { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': name, ...headers },
      );
    const anonymous = await call('list_my_recipes');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="[^"]+\/mcp"/);
    const forged = await call('search_recipes', { authorization: 'Bearer not-a-token' });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const signedIn = await call('list_my_recipes', { authorization: `Bearer ${token}` });
    expect(((await signedIn.json()) as { result: { isError?: boolean } }).result.isError).toBeFalsy();
  });

  for (const version of ['2025-06-18', '2025-11-25']) {
    it(`answers a ${version} initialize with that version`, async () => {
      const res = await post({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'curl', version: '1' } },
      });
      expect(res.status).toBe(200);
      const { result } = (await res.json()) as { result: Record<string, unknown> };
      expect(result.protocolVersion).toBe(version);
      expect(result.capabilities).toMatchObject({ tools: { listChanged: false } });
    });
  }
});
