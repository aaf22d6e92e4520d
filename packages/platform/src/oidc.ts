import * as client from 'openid-client';
import type { Config } from './config.ts';

/** The path of the built-in issuer under PUBLIC_URL. */
export const builtInIssuerPath = '/oidc';

/** Who signs people in, and for which audience the API accepts their access tokens. */
export interface IssuerChoice {
  /** The issuer identifier, exactly as its tokens' `iss`. */
  issuer: string;
  /** The built-in issuer (served by the API role at <PUBLIC_URL>/oidc). */
  builtIn: boolean;
  audience: string;
}

export function issuerChoice(config: Pick<Config, 'publicUrl' | 'oidc'>): IssuerChoice {
  return {
    issuer: config.oidc.issuer ?? `${config.publicUrl}${builtInIssuerPath}`,
    builtIn: config.oidc.issuer === null,
    audience: config.oidc.audience,
  };
}

/** Tokens as the web session and the CLI keep them. */
export interface HeldTokens {
  accessToken: string;
  /** null: the issuer gave none. */
  refreshToken: string | null;
  /** When the access token expires, in seconds since the epoch. */
  expiresAt: number;
}

/** Tokens just issued, with the ID token's claims when one came. */
export interface IssuedTokens extends HeldTokens {
  idClaims: client.IDToken | null;
}

/** Access tokens are renewed this long before they expire, so none expires on its way to the API. */
const refreshAheadSeconds = 60;
/** An issuer without `expires_in` is assumed to issue short-lived tokens. */
const assumedLifetimeSeconds = 300;
/** Per HTTP request to the issuer (discovery, token, userinfo…). */
const issuerTimeoutSeconds = 10;

/** Whether held tokens are still good for a while, or due for a refresh. */
export const isFresh = (tokens: HeldTokens): boolean => tokens.expiresAt - Date.now() / 1000 > refreshAheadSeconds;

class UnreachableIssuerError extends Error {
  constructor(choice: IssuerChoice, cause: unknown) {
    const where = choice.builtIn ? 'is the platform running? PUBLIC_URL says where' : 'OIDC_ISSUER says where';
    super(`Could not reach the sign-in service at ${choice.issuer} (${where}).`, { cause });
    this.name = 'UnreachableIssuerError';
  }
}

/**
 * This app's client at its OpenID Connect issuer, on openid-client: discovery (once per
 * instance, again after a failure), and every request that asks for tokens. Each such
 * request — the authorization request, the code exchange, refresh, the device flow — names
 * the API the same way: the built-in issuer takes a resource indicator (RFC 8707), external
 * ones (Auth0 and others) the `audience` parameter, without which they issue no JWT for the API.
 */
export class OidcClient {
  readonly #choice: IssuerChoice;
  readonly #clientId: string;
  readonly #clientSecret: string | null;
  readonly #forTheApi: Record<string, string>;
  #configuration: Promise<client.Configuration> | null = null;

  constructor(choice: IssuerChoice, clientCredentials: { id: string; secret: string | null }) {
    this.#choice = choice;
    this.#clientId = clientCredentials.id;
    this.#clientSecret = clientCredentials.secret;
    this.#forTheApi = choice.builtIn ? { resource: choice.audience } : { audience: choice.audience };
  }

  get issuer(): string {
    return this.#choice.issuer;
  }

  get clientId(): string {
    return this.#clientId;
  }

  /** The issuer's metadata; fetched on first use (the built-in issuer may be this very process, still starting). */
  configuration(): Promise<client.Configuration> {
    this.#configuration ??= client
      .discovery(
        new URL(this.issuer),
        this.#clientId,
        this.#clientSecret ?? undefined,
        this.#clientSecret ? client.ClientSecretBasic(this.#clientSecret) : client.None(),
        {
          timeout: issuerTimeoutSeconds,
          ...(this.issuer.startsWith('http://') ? { execute: [client.allowInsecureRequests] } : {}),
        },
      )
      .catch((e: unknown) => {
        this.#configuration = null;
        throw new UnreachableIssuerError(this.#choice, e);
      });
    return this.#configuration;
  }

  async jwksUri(): Promise<URL> {
    const uri = (await this.configuration()).serverMetadata().jwks_uri;
    if (!uri) throw new Error(`${this.issuer} publishes no jwks_uri: its access tokens cannot be verified.`);
    return new URL(uri);
  }

  /** Where to send the browser to sign in (authorization code flow; the caller adds PKCE and state). */
  async authorizationUrl(parameters: Record<string, string>): Promise<URL> {
    return client.buildAuthorizationUrl(await this.configuration(), { ...parameters, ...this.#forTheApi });
  }

  async exchangeCode(callbackUrl: URL, checks: client.AuthorizationCodeGrantChecks): Promise<IssuedTokens> {
    return issued(await client.authorizationCodeGrant(await this.configuration(), callbackUrl, checks, this.#forTheApi), null);
  }

  /**
   * New tokens for a refresh token; null when the issuer refuses it (expired, revoked,
   * already used). Throws when the issuer cannot be asked.
   */
  async refresh(refreshToken: string): Promise<IssuedTokens | null> {
    const configuration = await this.configuration();
    try {
      return issued(await client.refreshTokenGrant(configuration, refreshToken, this.#forTheApi), refreshToken);
    } catch (error) {
      if (error instanceof client.ResponseBodyError) return null;
      throw error;
    }
  }

  /** Starts the device authorization grant (RFC 8628): a code for the person to confirm in a browser. */
  async startDeviceAuthorization(scope: string): Promise<client.DeviceAuthorizationResponse> {
    return client.initiateDeviceAuthorization(await this.configuration(), { scope, ...this.#forTheApi });
  }

  /** Waits until the person confirms (or refuses, or the code expires). */
  async completeDeviceAuthorization(device: client.DeviceAuthorizationResponse, signal?: AbortSignal): Promise<IssuedTokens> {
    const tokens = await client.pollDeviceAuthorizationGrant(
      await this.configuration(),
      device,
      this.#forTheApi,
      signal ? { signal } : undefined,
    );
    return issued(tokens, null);
  }

  async revoke(token: string): Promise<void> {
    await client.tokenRevocation(await this.configuration(), token);
  }

  /** Where to end the session at the issuer too; null when it offers no RP-initiated logout. */
  async endSessionUrl(postLogoutRedirectUri: string): Promise<URL | null> {
    const configuration = await this.configuration();
    if (!configuration.serverMetadata().end_session_endpoint) return null;
    return client.buildEndSessionUrl(configuration, { post_logout_redirect_uri: postLogoutRedirectUri });
  }

  /**
   * The userinfo claims of the person an access token was issued to; null when the issuer
   * has no userinfo endpoint. OIDC Core §5.3.2: an answer about anyone but `subject` (the
   * subject of the ID or access token) must not be used — it is refused with an error.
   */
  async userinfo(accessToken: string, subject: string): Promise<client.UserInfoResponse | null> {
    const configuration = await this.configuration();
    if (!configuration.serverMetadata().userinfo_endpoint) return null;
    try {
      return await client.fetchUserInfo(configuration, accessToken, subject);
    } catch (error) {
      if (error instanceof client.ClientError && error.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') {
        throw new Error(`${this.issuer} answered userinfo for another subject than ${subject}; the answer is not used.`, {
          cause: error,
        });
      }
      throw error;
    }
  }
}

function issued(
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
  previousRefresh: string | null,
): IssuedTokens {
  return {
    accessToken: tokens.access_token,
    // Without rotation the issuer sends no new refresh token: the one used stays good.
    refreshToken: tokens.refresh_token ?? previousRefresh,
    expiresAt: Math.floor(Date.now() / 1000) + (tokens.expires_in ?? assumedLifetimeSeconds),
    idClaims: tokens.claims() ?? null,
  };
}
