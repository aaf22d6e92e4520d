import { createHash, randomBytes } from 'node:crypto';
import { signInSettings, type Config } from '@yeet/platform';

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
  const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header() } });
  jar.take(res);
  return res;
}

/** Follows redirects within `origin` until one leaves it or a page answers. */
export async function follow(jar: CookieJar, origin: string, res: Response): Promise<Response> {
  let current = res;
  for (let i = 0; i < 10 && current.status >= 300 && current.status < 400; i++) {
    const location = new URL(current.headers.get('location')!, origin);
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
