import type { Database, Kysely } from '@yeet/db';
import { pickLocale } from '@yeet/domain/locale';
import { builtInCliClientId, builtInIssuerPath } from '@yeet/platform';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { extendClientLife, PostgresOidcAdapter } from './adapter.ts';
import { localText } from '../rpc/german.ts';
import type { IssuerSecrets } from './keys.ts';
import { deviceCodePage, deviceConfirmPage, deviceDonePage, errorPage, signedOutPage, signOutPage } from './pages.ts';

export interface IssuerOptions {
  /** Where people reach the platform. */
  publicUrl: string;
  /** The issuer identifier, `<publicUrl>/oidc` (from issuerChoice). */
  issuer: string;
  /** The `aud` of access tokens for the API. */
  audience: string;
  db: Kysely<Database>;
  secrets: IssuerSecrets;
  client: { id: string; secret: string };
  /** Trust X-Forwarded-Proto/-Host (only behind a proxy that sets them). */
  trustProxy: boolean;
  profile: (accountId: string) => Promise<{ displayName: string; email: string | null } | null>;
  onError: (error: Error) => void;
}

/** The resource identifier of the MCP endpoint, as its protected resource metadata gives it. */
export const mcpResource = (publicUrl: string) => `${publicUrl}/mcp`;

/** A page's language: the site's (the lang cookie, then Accept-Language), as the web app chooses it. */
const localeOf = (ctx: KoaContextWithOIDC) => pickLocale(ctx.get('cookie'), ctx.get('accept-language'));

/** How long a registered client lives without being used, and after its latest use. */
const unusedClientLifetime = 24 * 60 * 60;
const usedClientLifetime = 90 * 24 * 60 * 60;

/** The API's one scope: what the web app (and MCP clients) may do on the user's behalf. */
export const apiScope = 'api';

/**
 * The built-in OpenID Connect issuer (oidc-provider), for the embedded default: local
 * accounts, authorization code flow with PKCE for the web app, the device authorization
 * grant (RFC 8628) for `yeet login` (assistants' tokens), JWT access tokens for the API
 * (RFC 9068), refresh tokens, RP-initiated logout. Off when OIDC_ISSUER is set.
 */
export function createIssuer(o: IssuerOptions): Provider {
  const isFirstParty = (clientId: string) => clientId === o.client.id || clientId === builtInCliClientId;
  const configuration: Configuration = {
    // A client that registered itself lives a day unless it is used; each use keeps it a while longer.
    adapter: (model: string) => new PostgresOidcAdapter(o.db, model, model === 'Client' ? unusedClientLifetime : 0),
    jwks: o.secrets.jwks as Configuration['jwks'],
    cookies: {
      keys: o.secrets.cookieKeys,
      names: { session: 'yeet_op_session', interaction: 'yeet_op_interaction', resume: 'yeet_op_resume' },
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    clients: [
      {
        client_id: o.client.id,
        client_secret: o.client.secret,
        client_name: 'Eat or Yeet',
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [`${o.publicUrl}/auth/callback`],
        post_logout_redirect_uris: [`${o.publicUrl}/`],
      },
      {
        // `yeet login` on someone's computer: a public client, signed in through a browser.
        client_id: builtInCliClientId,
        client_name: 'Eat or Yeet for AI assistants',
        token_endpoint_auth_method: 'none',
        grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    responseTypes: ['code'],
    pkce: { required: () => true },
    scopes: ['openid', 'offline_access', 'email', 'profile'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    async findAccount(_ctx, sub) {
      const profile = await o.profile(sub);
      if (!profile) return undefined;
      return {
        accountId: sub,
        async claims() {
          // Emails are not verified by this issuer (it sends no mail).
          return { sub, name: profile.displayName, email: profile.email ?? undefined, email_verified: false };
        },
      };
    },
    extraParams: {
      screen_hint(_ctx, value) {
        if (value !== undefined && value !== 'signup' && value !== 'login') {
          throw new errors.InvalidRequest('screen_hint must be "signup" or "login"');
        }
      },
    },
    interactions: { url: (_ctx, interaction) => `${builtInIssuerPath}/interaction/${interaction.uid}` },
    // The web app and the CLI are first-party: their users are not asked to consent to them.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { client, session, result } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      if (!isFirstParty(client.clientId)) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid email profile offline_access');
      grant.addResourceScope(o.audience, apiScope);
      await grant.save();
      return grant;
    },
    features: {
      devInteractions: { enabled: false },
      dPoP: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      introspection: { enabled: false },
      revocation: { enabled: true },
      // MCP clients register themselves (RFC 7591, as the MCP authorization spec describes): only
      // public clients with PKCE and loopback or https redirect URIs, rate-limited (routes.ts).
      registration: { enabled: true, initialAccessToken: false, issueRegistrationAccessToken: false },
      deviceFlow: {
        enabled: true,
        // the user types it: no vowels (no words), no look-alikes, in two groups
        charset: 'base-20',
        mask: '****-****',
        async userCodeInputSource(ctx, form, _out, err) {
          ctx.type = 'html';
          ctx.body = deviceCodePage({ form, invalid: Boolean(err), locale: localeOf(ctx) });
        },
        async userCodeConfirmSource(ctx, form, client, _deviceInfo, userCode) {
          ctx.type = 'html';
          ctx.body = deviceConfirmPage({ form, client: client.clientName ?? client.clientId, userCode, locale: localeOf(ctx) });
        },
        async successSource(ctx) {
          ctx.type = 'html';
          ctx.body = deviceDonePage(localeOf(ctx));
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => (oneOf ? oneOf[0]! : o.audience),
        useGrantedResource: () => true,
        // The MCP endpoint is a face of the API, tools calling its methods in-process: tokens
        // asked for it (RFC 8707, the resource of its protected resource metadata) are the API's.
        async getResourceServerInfo(_ctx, indicator) {
          if (indicator !== o.audience && indicator !== mcpResource(o.publicUrl)) throw new errors.InvalidTarget();
          return {
            scope: apiScope,
            audience: o.audience,
            accessTokenTTL: 10 * 60,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.type = 'html';
          ctx.body = signOutPage(form, localeOf(ctx));
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body = signedOutPage(localeOf(ctx));
        },
      },
    },
    ttl: {
      AccessToken: (_ctx, token) =>
        (token as { resourceServer?: { accessTokenTTL?: number } }).resourceServer?.accessTokenTTL ?? 600,
      AuthorizationCode: 60,
      DeviceCode: 10 * 60,
      IdToken: 60 * 60,
      RefreshToken: 14 * 24 * 60 * 60,
      Interaction: 30 * 60,
      Session: 14 * 24 * 60 * 60,
      Grant: 14 * 24 * 60 * 60,
    },
    // Always issue refresh tokens to the web app (no consent screen to grant offline_access).
    async issueRefreshToken(_ctx, client) {
      return client.grantTypeAllowed('refresh_token');
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      const locale = localeOf(ctx);
      const why = localText(String(out.error_description ?? out.error), locale).replace(/\.$/, '');
      ctx.body =
        locale === 'de'
          ? errorPage('Die Anmeldung hat nicht geklappt', `${why}. Fang bei den Rezepten noch einmal an.`, undefined, locale)
          : errorPage('Sign-in did not work', `${out.error_description ?? out.error}. Start again from the recipes.`);
    },
  };
  const provider = new Provider(o.issuer, configuration);
  pinToPublicUrl(provider, o);
  provider.on('server_error', (_ctx, error) => o.onError(error));
  provider.on('grant.success', (ctx) => {
    const client = ctx.oidc.client;
    if (client && !isFirstParty(client.clientId)) {
      extendClientLife(o.db, client.clientId, usedClientLifetime).catch((error: Error) => o.onError(error));
    }
  });
  return provider;
}

/**
 * oidc-provider builds every URL it hands out (discovery, redirects, form actions) from the
 * request's Host and protocol. Here they are PUBLIC_URL's, whatever the request says: a
 * forged Host cannot put another site into discovery, and a visit at another address of
 * this server (127.0.0.1 for localhost) still leads back to PUBLIC_URL. The protocol comes
 * through the forwarded header, so `proxy` is on; the client address is believed only
 * behind a trusted proxy.
 */
function pinToPublicUrl(provider: Provider, o: Pick<IssuerOptions, 'publicUrl' | 'trustProxy'>): void {
  const site = new URL(o.publicUrl);
  provider.proxy = true;
  provider.use(async (ctx, next) => {
    const headers = ctx.req.headers;
    headers.host = site.host;
    headers['x-forwarded-host'] = site.host;
    headers['x-forwarded-proto'] = site.protocol.slice(0, -1);
    if (!o.trustProxy) delete headers['x-forwarded-for'];
    await next();
  });
}
