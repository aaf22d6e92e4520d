import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { type CallToolResult, Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { UserService } from '@yeet/contract';
import { CliAuth } from '../../apps/server/src/cli-auth.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browse, confirmDeviceCode, CookieJar, follow, hiddenValue, oidcFlow } from '../support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * `yeet login` / `token` / `logout` and the stdio MCP server that uses the sign-in: the
 * device authorization grant against the built-in issuer, confirmed by "a browser" (HTTP
 * with cookies, as test/support/oidc.ts drives it).
 */
const root = path.resolve(import.meta.dirname, '../..');
const main = path.join(root, 'apps/server/src/main.ts');
const sessionSecret = 'cli-login-test-session-secret-long-enough-0123';
const ada = { email: 'ada@example.com', password: 'analytical engines run on recipes', displayName: 'Ada Author' };
let t: TestPlatform;
let home: string;
let file: string;

beforeAll(async () => {
  t = await startTestPlatform({ SESSION_SECRET: sessionSecret });
  await oidcFlow(t.baseUrl, t.config, sessionSecret).signUp(ada);
  home = await mkdtemp(path.join(tmpdir(), 'yeet-cli-'));
  file = path.join(home, 'eat-or-yeet', 'credentials.json');
});
afterAll(async () => {
  await t?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

const env = () => ({
  PATH: process.env.PATH ?? '',
  PUBLIC_URL: t.baseUrl,
  API_URL: t.baseUrl,
  XDG_CONFIG_HOME: home,
  LOG_LEVEL: 'warn',
});

/** Runs a yeet command; `onLine` sees stdout as it comes. */
function yeet(
  args: string[],
  onLine: (line: string) => void = () => {},
  settings: Record<string, string | undefined> = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main, ...args], { cwd: root, env: { ...env(), ...settings } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      for (const line of d.toString().split('\n')) if (line) onLine(line);
    });
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

/** The person's side: open the link, confirm the code, sign in. Returns the last page. */
async function confirmInBrowser(link: string): Promise<string> {
  const jar = new CookieJar();
  const { page, confirmed } = await confirmDeviceCode(jar, link);
  expect(page).toContain('Connect Eat or Yeet for AI assistants?');
  const signIn = await follow(jar, t.baseUrl, confirmed);
  const signInPage = await signIn.text();
  expect(signInPage).toContain('<h1>Sign in</h1>');
  const loginAction = /<form method="post" action="([^"]+)"/.exec(signInPage)![1]!;
  const afterLogin = await browse(jar, new URL(loginAction, t.baseUrl).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: ada.email, password: ada.password }).toString(),
  });
  return (await follow(jar, t.baseUrl, afterLogin)).text();
}

describe('yeet login (device authorization grant)', () => {
  it('signs this computer in once the person confirms the code in the browser', async () => {
    let browserDone: Promise<string> | null = null;
    const result = await yeet(['login'], (line) => {
      const link = /^To sign in, open (\S+)/.exec(line)?.[1];
      if (link) browserDone = confirmInBrowser(link);
    });
    expect(await browserDone).toContain('<h1>Connected</h1>');
    expect(result.code).toBe(0);
    expect(result.out).toContain('Signed in as Ada Author');
    expect(result.err).toBe(`yeet: talking to ${t.baseUrl} (PUBLIC_URL)\n`);

    const stored = JSON.parse(await readFile(file, 'utf8'));
    expect(stored.logins[`${t.baseUrl}/oidc`]).toMatchObject({ clientId: 'eat-or-yeet-cli', name: 'Ada Author' });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  }, 60_000);

  it('prints a token the API accepts, refreshing it when it is about to expire', async () => {
    const first = await yeet(['token']);
    expect(first.code).toBe(0);
    const token = first.out.trim();
    // stdout is the token alone, for $(yeet token); which platform goes to stderr
    expect(first.out).toBe(`${token}\n`);
    expect(first.err).toBe(`yeet: talking to ${t.baseUrl} (PUBLIC_URL)\n`);
    const me = async (bearer: string) => {
      const transport = createConnectTransport({
        baseUrl: `${t.baseUrl}/api`,
        httpVersion: '1.1',
        interceptors: [
          (next) => (req) => {
            req.header.set('authorization', `Bearer ${bearer}`);
            return next(req);
          },
        ],
      });
      return (await createClient(UserService, transport).getMe({})).user?.displayName;
    };
    expect(await me(token)).toBe('Ada Author');

    // pretend the access token expired: the next use refreshes it
    const stored = JSON.parse(await readFile(file, 'utf8'));
    stored.logins[`${t.baseUrl}/oidc`].expiresAt = 0;
    await writeFile(file, JSON.stringify(stored));
    const refreshed = (await yeet(['token'])).out.trim();
    expect(refreshed).not.toBe(token);
    expect(await me(refreshed)).toBe('Ada Author');
    expect(JSON.parse(await readFile(file, 'utf8')).logins[`${t.baseUrl}/oidc`].accessToken).toBe(refreshed);
  }, 30_000);

  it('refreshes once when several commands find the token expired at the same time', async () => {
    // The issuer rotates refresh tokens and revokes the sign-in when one is used twice.
    const expire = async () => {
      const stored = JSON.parse(await readFile(file, 'utf8'));
      stored.logins[`${t.baseUrl}/oidc`].expiresAt = 0;
      await writeFile(file, JSON.stringify(stored));
    };
    await expire();
    const tokens = await Promise.all([yeet(['token']), yeet(['token']), yeet(['token'])]);
    expect(tokens.map((r) => r.code)).toEqual([0, 0, 0]);

    await expire();
    const sameProcess = [new CliAuth(t.config, file), new CliAuth(t.config, file)];
    const [a, b] = await Promise.all(sameProcess.map((auth) => auth.accessToken()));
    expect(a).toBeTruthy();
    expect(b).toBe(a);
    expect((await yeet(['token'])).code).toBe(0); // still signed in
  }, 30_000);

  it('lets a desktop assistant act as the signed-in person over stdio', async () => {
    const client = new Client({ name: 'desktop', version: '1.0.0' });
    // PUBLIC_URL alone names the platform (API_URL is for an API elsewhere)
    const { API_URL: _api, ...settings } = env();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [main, 'mcp', '--stdio'],
      cwd: root,
      env: settings,
      stderr: 'pipe',
    });
    let said = '';
    transport.stderr?.on('data', (d: Buffer) => (said += d));
    await client.connect(transport);
    try {
      const created = (await client.callTool({
        name: 'create_recipe_draft',
        arguments: { title: 'Terminal Toast', servings: 1, summary: 'Toast, typed.' },
      })) as CallToolResult;
      expect(created.isError).toBeFalsy();
      const mine = (await client.callTool({ name: 'list_my_recipes', arguments: {} })) as CallToolResult;
      expect((mine.structuredContent as { recipes: Array<{ slug: string }> }).recipes.map((r) => r.slug)).toEqual([
        'terminal-toast',
      ]);
      expect(said.split('\n')[0]).toBe(`yeet: talking to ${t.baseUrl} (PUBLIC_URL), signed in at ${t.baseUrl}/oidc`);
    } finally {
      await client.close();
    }
  }, 30_000);

  it('says which platform it talks to when PUBLIC_URL is not set, and what to run', async () => {
    const elsewhere = await yeet(['token'], undefined, { PUBLIC_URL: undefined, API_URL: undefined, PORT: '4321' });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.out).toBe('');
    expect(elsewhere.err).toBe(
      'yeet: talking to http://localhost:4321 (PUBLIC_URL is not set: the default for PORT=4321)\n' +
        'Not signed in at http://localhost:4321/oidc (or the sign-in has expired): run "yeet login" with the same PUBLIC_URL.\n',
    );
  }, 30_000);

  it('signs out: the sign-in is forgotten and revoked', async () => {
    const refreshToken = JSON.parse(await readFile(file, 'utf8')).logins[`${t.baseUrl}/oidc`].refreshToken as string;
    const logout = await yeet(['logout']);
    expect(logout.out).toContain(`Signed out of ${t.baseUrl}/oidc`);
    expect(logout.err).toBe(`yeet: talking to ${t.baseUrl} (PUBLIC_URL)\n`);
    expect(JSON.parse(await readFile(file, 'utf8')).logins).toEqual({});
    const reuse = await fetch(`${t.baseUrl}/oidc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'eat-or-yeet-cli' }),
    });
    expect(reuse.status).toBe(400);
    const token = await yeet(['token']);
    expect(token.code).toBe(1);
    expect(token.err).toContain('yeet login');
  }, 30_000);

  it('forgets the sign-in even when the issuer cannot be reached', async () => {
    const offline = path.join(home, 'offline.json');
    const auth = new CliAuth({ ...t.config, publicUrl: 'http://127.0.0.1:9' }, offline);
    const login = {
      issuer: auth.issuer,
      clientId: 'eat-or-yeet-cli',
      name: 'Ada',
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: 0,
    };
    await writeFile(offline, JSON.stringify({ logins: { [auth.issuer]: login } }));
    expect(await auth.logout()).toBe(true);
    expect(JSON.parse(await readFile(offline, 'utf8')).logins).toEqual({});
  });

  it('explains a mistyped code on an accessible page', async () => {
    const jar = new CookieJar();
    const input = await (await browse(jar, `${t.baseUrl}/oidc/device`)).text();
    expect(input).toContain('<label for="user_code">Code');
    const action = /<form method="post" action="([^"]+)"/.exec(input)![1]!;
    const wrong = await browse(jar, new URL(action, t.baseUrl).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf: hiddenValue(input, 'xsrf'), user_code: 'BCDF-GHJK' }).toString(),
    });
    const page = await wrong.text();
    expect(page).toContain('role="alert"');
    expect(page).toContain('That code is not valid');
    expect(page).toContain('aria-invalid="true"');
  });
});
