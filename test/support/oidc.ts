import { createHash, randomBytes } from 'node:crypto';
import { freePort } from '@yeet/db';
import { signInSettings, type Config } from '@yeet/platform';
import { exportJWK, generateKeyPair, jwtVerify, type JWK } from 'jose';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

/**
 * A relying party driven by hand over HTTP, as a browser would (cookies, redirects, forms):
 * signs up or in at the built-in issuer and exchanges the code for real tokens.
 */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /max-age=0|expires=thu, 01 jan 1970/i.test(a.trim()));
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
}

export async function browse(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers as Record<string, string>), cookie: jar.header() },
  });
  jar.take(res);
  return res;
}

/** Follows redirects until one leads to the web app's sign-in callback or a page answers. */
export async function follow(jar: CookieJar, origin: string, res: Response): Promise<Response> {
  let current = res;
  for (let i = 0; i < 10 && current.status >= 300 && current.status < 400; i++) {
    const location = new URL(current.headers.get('location')!, current.url || origin);
    if (location.pathname === '/auth/callback') return current;
    current = await browse(jar, location.href);
  }
  return current;
}

export interface Tokens {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  expires_in: number;
}

export interface Account {
  email: string;
  password: string;
  displayName: string;
}

export interface OidcFlow {
  /** The interaction page reached from a fresh authorization request. */
  start(screenHint?: 'signup'): Promise<{ jar: CookieJar; page: Response; verifier: string }>;
  signUp(account: Account): Promise<Tokens>;
  signIn(email: string, password: string): Promise<Tokens>;
  /** Posts a form on the current interaction page. */
  post(jar: CookieJar, page: Response, path: 'login' | 'signup', form: Record<string, string>): Promise<Response>;
  exchange(jar: CookieJar, afterForm: Response, verifier: string): Promise<Tokens>;
  refresh(refreshToken: string): Promise<Response>;
}

export function oidcFlow(baseUrl: string, config: Pick<Config, 'publicUrl' | 'oidc'>, sessionSecret: string): OidcFlow {
  const settings = signInSettings(config, sessionSecret);
  const redirectUri = `${baseUrl}/auth/callback`;
  const basic = `Basic ${Buffer.from(`${settings.clientId}:${settings.clientSecret}`).toString('base64')}`;
  const interactionPath = (page: Response) => new URL(page.url || '', baseUrl).pathname;

  const flow: OidcFlow = {
    async start(screenHint) {
      const jar = new CookieJar();
      const verifier = randomBytes(32).toString('base64url');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const params = new URLSearchParams({
        client_id: settings.clientId,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'openid email profile',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: randomBytes(8).toString('hex'),
        ...(screenHint ? { screen_hint: screenHint } : {}),
      });
      const first = await browse(jar, `${baseUrl}/oidc/auth?${params}`);
      const location = new URL(first.headers.get('location')!, baseUrl);
      const page = await browse(jar, location.href);
      Object.defineProperty(page, 'url', { value: location.href });
      return { jar, page, verifier };
    },
    async post(jar, page, path, form) {
      const base = interactionPath(page).replace(/\/(signup|login)$/, '');
      return browse(jar, `${baseUrl}${base}/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
    },
    async exchange(jar, afterForm, verifier) {
      const last = await follow(jar, baseUrl, afterForm);
      const location = new URL(last.headers.get('location') ?? '', baseUrl);
      const code = location.searchParams.get('code');
      if (!code) throw new Error(`no code: ${last.status} ${location.href} ${await last.text()}`);
      const res = await fetch(`${baseUrl}/oidc/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }),
      });
      if (!res.ok) throw new Error(`token endpoint: ${res.status} ${await res.text()}`);
      return (await res.json()) as Tokens;
    },
    async signUp(account) {
      const { jar, page, verifier } = await flow.start('signup');
      const res = await flow.post(jar, page, 'signup', { ...account });
      return flow.exchange(jar, res, verifier);
    },
    async signIn(email, password) {
      const { jar, page, verifier } = await flow.start();
      const res = await flow.post(jar, page, 'login', { email, password });
      return flow.exchange(jar, res, verifier);
    },
    refresh(refreshToken) {
      return fetch(`${baseUrl}/oidc/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
      });
    },
  };
  return flow;
}

export interface ExternalAccount {
  sub: string;
  name: string;
  email: string;
}

/** A request to the external issuer that asked for tokens (authorization, device authorization, token). */
export interface TokenRequest {
  path: string;
  grantType: string | null;
  clientId: string | null;
  audience: string | null;
  resource: string | null;
}

export interface ExternalIssuer {
  url: string;
  web: { id: string; secret: string };
  cli: { id: string };
  /** Every request that asked for tokens, in order. */
  requests: TokenRequest[];
  /** Who signs in at the next interaction. */
  signInAs(account: ExternalAccount): void;
  /** A broken or hostile issuer: userinfo answers about `sub` whatever the token says; null: about the token's subject. */
  userinfoAbout(sub: string | null): void;
  stop(): Promise<void>;
}

/**
 * A real OpenID Connect issuer (oidc-provider) standing in for Auth0 and the like: it issues
 * a JWT access token for the API only when the request names the API with the `audience`
 * parameter — every request, refresh and device code included — and an opaque one (that the
 * API refuses) otherwise. Sign-in needs no form: the interaction completes as `signInAs`.
 */
export async function startExternalIssuer(o: { publicUrl: string; audience: string }): Promise<ExternalIssuer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'external-test-key', alg: 'RS256', use: 'sig' };
  const accounts = new Map<string, ExternalAccount>();
  let current: ExternalAccount | null = null;
  let userinfoSubject: string | null = null;
  const requests: TokenRequest[] = [];
  const web = { id: 'recipes-web', secret: randomBytes(24).toString('base64url') };
  const cli = { id: 'recipes-cli' };
  const asksForTheApi = (ctx: KoaContextWithOIDC) => ({ ...ctx.query, ...(ctx.oidc?.body ?? {}) }).audience === o.audience;

  const provider = new Provider(url, {
    jwks: { keys: [signingKey as JWK & { kid: string }] } as Configuration['jwks'],
    cookies: { keys: [randomBytes(16).toString('hex')] },
    clients: [
      {
        client_id: web.id,
        client_secret: web.secret,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [`${o.publicUrl}/auth/callback`],
        post_logout_redirect_uris: [`${o.publicUrl}/`],
      },
      {
        client_id: cli.id,
        token_endpoint_auth_method: 'none',
        grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    scopes: ['openid', 'offline_access', 'email', 'profile'],
    claims: { openid: ['sub'], email: ['email'], profile: ['name'] },
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      return account && { accountId: sub, claims: async () => ({ ...account }) };
    },
    extraParams: { audience: null },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async loadExistingGrant(ctx) {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid email profile offline_access');
      grant.addResourceScope(o.audience, 'api');
      await grant.save();
      return grant;
    },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      DeviceCode: 600,
      IdToken: 3600,
      RefreshToken: 86_400,
      Interaction: 600,
      Session: 86_400,
      Grant: 86_400,
    },
    async issueRefreshToken(_ctx, client) {
      return client.grantTypeAllowed('refresh_token');
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      deviceFlow: {
        enabled: true,
        async userCodeInputSource(ctx, form) {
          ctx.body = `<!doctype html>${form}`;
        },
        async userCodeConfirmSource(ctx, form) {
          ctx.body = `<!doctype html>${form}`;
        },
        async successSource(ctx) {
          ctx.body = '<!doctype html><h1>Connected</h1>';
        },
      },
      resourceIndicators: {
        enabled: true,
        // Asked for with `audience` (never `resource`), as Auth0 does.
        defaultResource: (ctx) => (asksForTheApi(ctx) ? o.audience : (undefined as unknown as string)),
        useGrantedResource: (ctx) => asksForTheApi(ctx),
        async getResourceServerInfo(_ctx, indicator) {
          if (indicator !== o.audience) throw new errors.InvalidTarget();
          return {
            scope: 'api',
            audience: o.audience,
            accessTokenTTL: 600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
  });

  provider.use(async (ctx, next) => {
    if (ctx.path.startsWith('/interaction/')) {
      // no sign-in page: whoever the test chose signs in at once
      await provider.interactionDetails(ctx.req, ctx.res);
      if (!current) throw new Error('the test did not say who signs in (signInAs)');
      ctx.status = 303;
      ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, { login: { accountId: current.sub } }));
      return;
    }
    if (ctx.path === '/me') {
      // Userinfo for the API's JWT access tokens, as Auth0 answers it (oidc-provider's own serves only its opaque tokens).
      const token = /^Bearer (\S+)$/.exec(ctx.get('authorization'))?.[1] ?? '';
      const { payload } = await jwtVerify(token, publicKey, { issuer: url, audience: o.audience }).catch(() => ({
        payload: null,
      }));
      const account = payload?.sub ? accounts.get(payload.sub) : undefined;
      if (!account) {
        ctx.status = 401;
        ctx.set('www-authenticate', 'Bearer error="invalid_token"');
        return;
      }
      ctx.body = { ...account, sub: userinfoSubject ?? account.sub };
      return;
    }
    await next();
    if (ctx.path === '/auth' || ctx.path === '/token' || ctx.path === '/device/auth') {
      const params = { ...ctx.query, ...(ctx.oidc?.body ?? {}) } as Record<string, string | undefined>;
      requests.push({
        path: ctx.path,
        grantType: params.grant_type ?? null,
        clientId: ctx.oidc?.client?.clientId ?? params.client_id ?? null,
        audience: params.audience ?? null,
        resource: params.resource ?? null,
      });
    }
  });
  const server = provider.listen(port, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));

  return {
    url,
    web,
    cli,
    requests,
    signInAs(account) {
      accounts.set(account.sub, account);
      current = account;
    },
    userinfoAbout(sub) {
      userinfoSubject = sub;
    },
    stop: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/** The value of a hidden form field on a page. */
export const hiddenValue = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

/**
 * The person's side of the device authorization grant: open the link (the issuer relays the
 * code in a form the browser submits itself), then confirm the code. Returns the confirmation
 * page and the answer to confirming, which leads on to signing in.
 */
export async function confirmDeviceCode(jar: CookieJar, link: string): Promise<{ page: string; confirmed: Response }> {
  const post = (url: string, form: Record<string, string>) =>
    browse(jar, new URL(url, link).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  const opened = await (await browse(jar, link)).text();
  const relay = /<form method="post" action="([^"]+)"/.exec(opened)?.[1];
  if (!relay) throw new Error(`no relay form at ${link}: ${opened}`);
  const page = await (
    await post(relay, { xsrf: hiddenValue(opened, 'xsrf'), user_code: hiddenValue(opened, 'user_code') })
  ).text();
  const action = /<form id="op.deviceConfirmForm" method="post" action="([^"]+)"/.exec(page)?.[1];
  if (!action) throw new Error(`no confirmation form: ${page}`);
  const confirmed = await post(action, {
    xsrf: hiddenValue(page, 'xsrf'),
    user_code: hiddenValue(page, 'user_code'),
    confirm: 'yes',
  });
  return { page, confirmed };
}
