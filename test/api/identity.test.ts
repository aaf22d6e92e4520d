import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Code, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { RecipeService, Role, UserService } from '@yeet/contract';
import { freePort } from '@yeet/db';
import { type WebSession, webSessionCodec } from '@yeet/platform';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliAuth } from '../../apps/server/src/cli-auth.ts';
import {
  browse,
  confirmDeviceCode,
  CookieJar,
  follow,
  oidcFlow,
  startExternalIssuer,
  type ExternalAccount,
  type ExternalIssuer,
  type OidcFlow,
  type Tokens,
} from '../support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectCode, recipeInput } from '../support/recipes.ts';

const sessionSecret = 'test-session-secret-that-is-long-enough-0123456789';
let t: TestPlatform;
let flow: OidcFlow;
let db: pg.Client;
let admin: Tokens;
let author: Tokens;
let issuerKey: JWK;

beforeAll(async () => {
  t = await startTestPlatform({ SESSION_SECRET: sessionSecret, DEV_AUTH: 'false' });
  flow = oidcFlow(t.baseUrl, t.config, sessionSecret);
  db = new pg.Client({ connectionString: t.database.url });
  await db.connect();
  admin = await flow.signUp({ email: 'first@example.com', password: 'a long enough password', displayName: 'First Person' });
  author = await flow.signUp({ email: 'second@example.com', password: 'another long password', displayName: 'Second Person' });
  const secrets = (await db.query(`select value from app_meta where key = 'oidc_issuer_secrets'`)).rows[0].value;
  issuerKey = secrets.jwks.keys[0];
});
afterAll(async () => {
  await db?.end();
  await t?.stop();
});

const clients = (headers: Record<string, string> = {}, baseUrl = t.baseUrl) => {
  const transport = createConnectTransport({
    baseUrl: `${baseUrl}/api`,
    httpVersion: '1.1',
    interceptors: [
      (next) => (req) => {
        for (const [k, v] of Object.entries(headers)) req.header.set(k, v);
        return next(req);
      },
    ],
  });
  return { users: createClient(UserService, transport), recipes: createClient(RecipeService, transport) };
};
const bearer = (token: string) => clients({ authorization: `Bearer ${token}` });

/** A token signed like the issuer's, with some claims changed. */
async function forge(claims: Record<string, unknown>, options: { key?: JWK; alg?: string } = {}): Promise<string> {
  const key = options.key ?? issuerKey;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: 'api', client_id: 'eat-or-yeet-web', ...claims })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: key.kid! })
    .setIssuer(String(claims.iss ?? `${t.config.publicUrl}/oidc`))
    .setAudience(String(claims.aud ?? t.config.oidc.audience))
    .setSubject(String(claims.sub ?? (await subjectOf(admin.access_token))))
    .setIssuedAt(now)
    .setExpirationTime(Number(claims.exp ?? now + 300))
    .sign(await importJWK(key, 'RS256'));
}

const subjectOf = async (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()).sub as string;

describe('access tokens from the built-in issuer', () => {
  it('a real token from sign-up identifies the person; the first account is admin', async () => {
    const { user } = await bearer(admin.access_token).users.getMe({});
    expect(user).toMatchObject({ displayName: 'First Person', email: 'first@example.com' });
    expect(user!.roles).toContain(Role.ADMIN);
    const second = await bearer(author.access_token).users.getMe({});
    expect(second.user!.roles).toEqual([Role.USER, Role.AUTHOR]);
  });

  it('the token is a JWT for the API, signed with the issuer key', async () => {
    const [header, payload] = admin.access_token
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header).toMatchObject({ alg: 'RS256', typ: 'at+jwt', kid: issuerKey.kid });
    expect(payload).toMatchObject({ iss: `${t.config.publicUrl}/oidc`, aud: t.config.oidc.audience });
  });

  const rejected: Array<[string, () => Promise<string>]> = [
    ['expired', () => forge({ exp: Math.floor(Date.now() / 1000) - 120 })],
    ['for another audience', () => forge({ aud: 'https://other.example/api' })],
    ['from another issuer', () => forge({ iss: 'https://evil.example/oidc' })],
    [
      'signed with an unknown key',
      async () => {
        const { privateKey } = await generateKeyPair('RS256', { extractable: true });
        return forge({}, { key: { ...(await exportJWK(privateKey)), kid: 'unknown-kid' } });
      },
    ],
    [
      'with a tampered signature',
      async () => {
        const [h, p, sig] = admin.access_token.split('.');
        return `${h}.${p}.${sig!.slice(0, -4)}${sig!.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
      },
    ],
    [
      'with tampered claims',
      async () => {
        const [h, , sig] = admin.access_token.split('.');
        const claims = JSON.parse(Buffer.from(admin.access_token.split('.')[1]!, 'base64url').toString());
        const forged = Buffer.from(JSON.stringify({ ...claims, sub: await subjectOf(author.access_token) })).toString(
          'base64url',
        );
        return `${h}.${forged}.${sig}`;
      },
    ],
    [
      'unsigned (alg: none)',
      async () => {
        const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const claims = JSON.parse(Buffer.from(admin.access_token.split('.')[1]!, 'base64url').toString());
        return `${enc({ alg: 'none', typ: 'at+jwt' })}.${enc(claims)}.`;
      },
    ],
    ['malformed', async () => 'not.a.jwt'],
  ];

  it.each(rejected)(
    'a token %s makes the caller anonymous: Unauthenticated where a user is needed, fine where not',
    async (_name, make) => {
      const client = bearer(await make());
      await expectCode(client.users.getMe({}), Code.Unauthenticated);
      await expectCode(client.recipes.createRecipe({ recipe: recipeInput() }), Code.Unauthenticated);
      expect((await client.recipes.listRecipes({})).recipes).toEqual([]);
    },
  );

  it('a token signed with the issuer key is accepted (the control for the cases above)', async () => {
    const valid = await forge({});
    expect((await bearer(valid).users.getMe({})).user?.displayName).toBe('First Person');
  });

  it('refresh tokens give new access tokens', async () => {
    const res = await flow.refresh(author.refresh_token!);
    expect(res.status).toBe(200);
    const fresh = (await res.json()) as Tokens;
    expect((await bearer(fresh.access_token).users.getMe({})).user?.displayName).toBe('Second Person');
  });

  it('the web session cookie works like a bearer token', async () => {
    const cookie = webSessionCodec(sessionSecret).seal(
      { id: randomUUID(), accessToken: author.access_token, refreshToken: null, expiresAt: 0 },
      60,
    );
    const { user } = await clients({ cookie: `yeet_session=${cookie}` }).users.getMe({});
    expect(user?.displayName).toBe('Second Person');
    const forgedCookie = `yeet_session=${cookie.slice(0, -3)}abc`;
    await expectCode(clients({ cookie: forgedCookie }).users.getMe({}), Code.Unauthenticated);
  });

  it('a session cookie sealed before sessions had an id is no session (it could not be signed out)', async () => {
    const legacy = webSessionCodec(sessionSecret).seal(
      { accessToken: author.access_token, refreshToken: null, expiresAt: 0 } as unknown as WebSession,
      60,
    );
    await expectCode(clients({ cookie: `yeet_session=${legacy}` }).users.getMe({}), Code.Unauthenticated);
  });

  it('a malformed session cookie makes the caller anonymous, not a server error', async () => {
    const broken = clients({ cookie: 'yeet_session=%E0%A4%A' });
    expect((await broken.recipes.listRecipes({})).recipes).toEqual([]);
    await expectCode(broken.users.getMe({}), Code.Unauthenticated);
    // another site's malformed cookie next to a good session spoils nothing
    const cookie = webSessionCodec(sessionSecret).seal(
      { id: randomUUID(), accessToken: author.access_token, refreshToken: null, expiresAt: 0 },
      60,
    );
    const { user } = await clients({ cookie: `tracker=%E0%A4%A; yeet_session=${cookie}` }).users.getMe({});
    expect(user?.displayName).toBe('Second Person');
  });

  it('the development header is refused when DEV_AUTH is off', async () => {
    await expectCode(
      clients({ 'x-yeet-dev-user': 'mallory', 'x-yeet-dev-roles': 'admin' }).users.getMe({}),
      Code.Unauthenticated,
    );
  });
});

describe('sign-in and sign-up pages', () => {
  it('answer a wrong password and an unknown email with the same message', async () => {
    const { jar, page } = await flow.start();
    const wrong = await flow.post(jar, page, 'login', { email: 'first@example.com', password: 'not the password!' });
    const unknown = await flow.post(jar, page, 'login', { email: 'nobody@example.com', password: 'not the password!' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const message = (html: string) => /<div class="alert" role="alert">([^<]*)<\/div>/.exec(html)?.[1];
    expect(message(await wrong.text())).toBe('The email or password is incorrect.');
    expect(message(await unknown.text())).toBe('The email or password is incorrect.');
  });

  it('slow down repeated failures for an email from an address, doubling the wait (no lockout)', async () => {
    const { jar, page } = await flow.start();
    const guess = (i: number) => flow.post(jar, page, 'login', { email: 'target@example.com', password: `guess number ${i}` });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await guess(i)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const slowed = await guess(5);
    expect(slowed.status).toBe(429);
    expect(slowed.headers.get('retry-after')).toBe('1');
    expect(await slowed.text()).toContain(
      'Too many failed sign-ins to this account from your address. Wait 1 s, then try again.',
    );
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await guess(6)).status).toBe(401);
    const longer = await guess(7);
    expect(longer.status).toBe(429);
    expect(longer.headers.get('retry-after')).toBe('2');
  });

  it('explain what is wrong with a sign-up, field by field', async () => {
    const { jar, page } = await flow.start('signup');
    const res = await flow.post(jar, page, 'signup', { displayName: '', email: 'not-an-email', password: 'short' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('enter an email address like name@example.com');
    expect(html).toContain('use at least 10 characters');
    expect(html).toMatch(/id="email"[^>]*aria-invalid="true"/);
  });

  it('do not say outright that an email is taken', async () => {
    const { jar, page } = await flow.start('signup');
    const res = await flow.post(jar, page, 'signup', {
      displayName: 'Again',
      email: 'FIRST@example.com',
      password: 'yet another long password',
    });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('We could not create an account with these details');
  });

  it('store passwords as argon2id hashes, never in clear', async () => {
    const rows = (await db.query(`select password_hash from accounts`)).rows;
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const r of rows) expect(r.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});

describe('roles', () => {
  it('admins promote people; the promoted can act on it', async () => {
    const authorId = (await bearer(author.access_token).users.getMe({})).user!.id;
    await expectCode(
      bearer(author.access_token).users.setUserRoles({ userId: authorId, roles: [Role.ADMIN] }),
      Code.PermissionDenied,
    );
    const { user } = await bearer(admin.access_token).users.setUserRoles({ userId: authorId, roles: [Role.EDITOR] });
    expect(user!.roles).toEqual([Role.USER, Role.EDITOR]);
    const listed = await bearer(admin.access_token).users.listUsers({ query: 'second' });
    expect(listed.users.map((u) => u.displayName)).toEqual(['Second Person']);

    const draft = await bearer(admin.access_token).recipes.createRecipe({ recipe: recipeInput() });
    await bearer(admin.access_token).recipes.submitRecipe({ id: draft.recipe!.id });
    const approved = await bearer(author.access_token).recipes.approveRecipe({ id: draft.recipe!.id });
    expect(approved.recipe?.status).toBeDefined();
  });

  it('the last admin cannot demote themself', async () => {
    const me = (await bearer(admin.access_token).users.getMe({})).user!;
    const error = await expectCode(
      bearer(admin.access_token).users.setUserRoles({ userId: me.id, roles: [Role.USER] }),
      Code.FailedPrecondition,
    );
    expect(error.rawMessage).toContain('last admin');
  });

  it('people change their own display name', async () => {
    const { user } = await bearer(author.access_token).users.updateProfile({ displayName: '  Second   Cook ' });
    expect(user?.displayName).toBe('Second Cook');
    await expectCode(bearer(author.access_token).users.updateProfile({ displayName: ' ' }), Code.InvalidArgument);
  });
});

describe('an external issuer (OIDC_ISSUER)', () => {
  const audience = 'https://recipes.example/api';
  const grace: ExternalAccount = { sub: 'external|grace-000001', name: 'Grace Hopper', email: 'grace@example.com' };
  let issuer: ExternalIssuer;
  let ext: TestPlatform;
  let home: string;

  beforeAll(async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    issuer = await startExternalIssuer({ publicUrl, audience });
    ext = await startTestPlatform({
      ROLE: 'all',
      PORT: String(port),
      PUBLIC_URL: publicUrl,
      DEV_AUTH: 'false',
      SESSION_SECRET: 'external-issuer-test-session-secret-0123456789',
      OIDC_ISSUER: issuer.url,
      OIDC_CLIENT_ID: issuer.web.id,
      OIDC_CLIENT_SECRET: issuer.web.secret,
      OIDC_AUDIENCE: audience,
      OIDC_CLI_CLIENT_ID: issuer.cli.id,
    });
    home = await mkdtemp(path.join(tmpdir(), 'yeet-external-'));
  });
  afterAll(async () => {
    await ext?.stop();
    await issuer?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  /** Signs in through the web app as a browser does; the jar then holds the session cookie. */
  async function webSignIn(account: ExternalAccount): Promise<CookieJar> {
    issuer.signInAs(account);
    const jar = new CookieJar();
    const toCallback = await follow(jar, ext.baseUrl, await browse(jar, `${ext.baseUrl}/auth/login?returnTo=/me/recipes`));
    const back = await browse(jar, new URL(toCallback.headers.get('location')!, ext.baseUrl).href);
    expect(back.headers.get('location')).toBe('/me/recipes');
    return jar;
  }
  const me = async (headers: Record<string, string>) => (await clients(headers, ext.baseUrl).users.getMe({})).user;

  it('a web sign-in gives a session the API accepts; name and email come from userinfo', async () => {
    const user = await me({ cookie: (await webSignIn(grace)).header() });
    expect(user).toMatchObject({ displayName: 'Grace Hopper', email: 'grace@example.com' });
  });

  it('the web app and the CLI name the API the same way when they sign in and when they refresh', async () => {
    issuer.requests.length = 0;
    // the web app: sign in, then refresh the session
    const jar = await webSignIn(grace);
    const before = jar.header();
    const refreshed = await browse(jar, `${ext.baseUrl}/auth/refresh`, { method: 'POST' });
    expect(refreshed.status).toBe(204);
    expect(jar.header()).not.toBe(before);
    expect((await me({ cookie: jar.header() }))?.displayName).toBe('Grace Hopper');

    // the CLI: the device flow, then a refresh once the token is due
    const file = path.join(home, 'credentials.json');
    const cli = new CliAuth(ext.config, file);
    let confirmed: Promise<Response> | null = null;
    await cli.login((line) => {
      const link = /^To sign in, open (\S+)/.exec(line)?.[1];
      const device = new CookieJar();
      if (link) confirmed = confirmDeviceCode(device, link).then(({ confirmed }) => follow(device, issuer.url, confirmed));
    });
    expect(await (await confirmed!).text()).toContain('Connected');
    const stored = JSON.parse(await readFile(file, 'utf8'));
    const first = stored.logins[issuer.url].accessToken as string;
    stored.logins[issuer.url].expiresAt = 0;
    await writeFile(file, JSON.stringify(stored));
    const token = await cli.accessToken();
    expect(token).not.toBe(first);
    expect((await me({ authorization: `Bearer ${token}` }))?.displayName).toBe('Grace Hopper');

    // Each request for tokens named the API as this issuer expects, and only so.
    expect(issuer.requests.filter((r) => r.audience !== audience || r.resource !== null)).toEqual([]);
    const asked = (grant: string) => issuer.requests.filter((r) => r.grantType === grant).map((r) => r.clientId);
    expect(asked('refresh_token').sort()).toEqual([issuer.cli.id, issuer.web.id].sort());
    expect(asked('authorization_code')).toEqual([issuer.web.id]);
    expect(new Set(asked('urn:ietf:params:oauth:grant-type:device_code'))).toEqual(new Set([issuer.cli.id]));
  }, 30_000);

  it('refuses a userinfo answer about someone else than the token’s subject (OIDC Core §5.3.2)', async () => {
    const linus: ExternalAccount = { sub: 'external|linus-000002', name: 'Linus', email: 'linus@example.com' };
    issuer.userinfoAbout(grace.sub);
    try {
      const user = await me({ cookie: (await webSignIn(linus)).header() });
      // the answer is not used: a placeholder name, no email, and certainly not Grace's account
      expect(user).toMatchObject({ displayName: 'Cook 000002', email: '' });
    } finally {
      issuer.userinfoAbout(null);
    }
  });

  it('a malformed session cookie is no session: pages render, refresh says signed out', async () => {
    const cookie = { cookie: 'yeet_session=%E0%A4%A' };
    expect((await fetch(`${ext.baseUrl}/`, { headers: cookie })).status).toBe(200);
    expect((await fetch(`${ext.baseUrl}/auth/refresh`, { method: 'POST', headers: cookie })).status).toBe(401);
  });

  it('deleting one’s account needs a fresh sign-in at the provider: the ID token’s auth_time, kept in the session', async () => {
    const ada: ExternalAccount = { sub: 'external|ada-000002', name: 'Ada Leaving', email: 'ada.leaving@example.com' };
    const users = (jar: CookieJar) => clients({ cookie: jar.header() }, ext.baseUrl).users;
    // An ordinary sign-in: the provider does not say when the person authenticated.
    const stale = await webSignIn(ada);
    const refused = await expectCode(users(stale).deleteMyAccount({}), Code.FailedPrecondition);
    expect(refused.rawMessage).toContain('sign in again first');
    // "Sign in again" on the account page asks the provider for a new authentication (max_age=0).
    issuer.signInAs(ada);
    const jar = new CookieJar();
    const toCallback = await follow(jar, ext.baseUrl, await browse(jar, `${ext.baseUrl}/auth/login?reauth=1&returnTo=/account`));
    expect(toCallback.headers.get('location')).toContain('/auth/callback');
    const back = await browse(jar, new URL(toCallback.headers.get('location')!, ext.baseUrl).href);
    expect(back.headers.get('location')).toBe('/account');
    expect((await users(jar).getMe({})).user?.displayName).toBe('Ada Leaving');
    await users(jar).deleteMyAccount({});
    // Gone: the same session is refused now.
    await expectCode(users(jar).getMe({}), Code.Unauthenticated);
  });
});
