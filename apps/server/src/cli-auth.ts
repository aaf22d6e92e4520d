import { isFresh, issuerChoice, OidcClient, type Config, type IssuedTokens, type IssuerChoice } from '@yeet/platform';
import { credentialsPath, CredentialStore, type StoredLogin } from './credential-store.ts';

/**
 * Signs this computer in for the command-line tools (`yeet mcp --stdio`, `yeet token`)
 * with the OAuth device authorization grant (RFC 8628): the person confirms a short code in
 * their browser, the tool receives tokens and keeps them (in a CredentialStore), refreshed
 * as they expire.
 */
export class CliAuth {
  readonly #choice: IssuerChoice;
  readonly #clientId: string | null;
  readonly #scope: string;
  readonly #store: CredentialStore;
  #client: OidcClient | null = null;
  #refreshing: Promise<StoredLogin | null> | null = null;

  constructor(config: Pick<Config, 'publicUrl' | 'oidc'>, file = credentialsPath()) {
    this.#choice = issuerChoice(config);
    this.#clientId = config.oidc.cliClientId;
    this.#scope = config.oidc.scopes;
    this.#store = new CredentialStore(file);
  }

  get issuer(): string {
    return this.#choice.issuer;
  }

  /** Runs the device flow; `say` tells the person what to do. */
  async login(say: (line: string) => void, signal?: AbortSignal): Promise<StoredLogin> {
    const client = this.#oidc();
    const device = await client.startDeviceAuthorization(this.#scope);
    const link = device.verification_uri_complete ?? device.verification_uri;
    say(`To sign in, open ${link}`);
    say(`and check that it shows the code ${device.user_code}.`);
    say(`Waiting for you… (the code expires in ${Math.round(device.expires_in / 60)} minutes; Ctrl-C cancels)`);
    const tokens = await client.completeDeviceAuthorization(device, signal);
    const name = tokens.idClaims?.name;
    const login = this.#stored(client, tokens, typeof name === 'string' ? name : null);
    await this.#store.save(login);
    return login;
  }

  /** A valid access token of the stored sign-in, refreshed when due; null when there is none. */
  async accessToken(): Promise<string | null> {
    if (!this.#refreshing) {
      const login = await this.#store.load(this.issuer);
      if (!login) return null;
      if (isFresh(login)) return login.accessToken;
    }
    this.#refreshing ??= this.#refreshOnce().finally(() => (this.#refreshing = null));
    return (await this.#refreshing)?.accessToken ?? null;
  }

  /** Forgets the sign-in here and revokes it at the issuer; false when there was none. */
  async logout(): Promise<boolean> {
    const login = await this.#store.load(this.issuer);
    if (!login) return false;
    if (login.refreshToken) {
      // best effort: the issuer may be unreachable; the local copy goes regardless
      try {
        await this.#oidc().revoke(login.refreshToken);
      } catch {
        // nothing to do: the token expires on its own
      }
    }
    await this.#store.forget(this.issuer);
    return true;
  }

  /**
   * The issuer rotates refresh tokens and treats a reused one as stolen, revoking the whole
   * sign-in. So only one process refreshes at a time, and it first re-reads the store in
   * case another one just did.
   */
  #refreshOnce(): Promise<StoredLogin | null> {
    return this.#store.exclusive(async () => {
      const login = await this.#store.load(this.issuer);
      if (!login) return null;
      return isFresh(login) ? login : this.#refresh(login);
    });
  }

  async #refresh(login: StoredLogin): Promise<StoredLogin | null> {
    if (!login.refreshToken) return null;
    const client = this.#oidc();
    const tokens = await client.refresh(login.refreshToken);
    if (!tokens) return null; // revoked or expired: sign in again
    const fresh = this.#stored(client, tokens, login.name);
    await this.#store.save(fresh);
    return fresh;
  }

  #stored(client: OidcClient, tokens: IssuedTokens, name: string | null): StoredLogin {
    const { accessToken, refreshToken, expiresAt } = tokens;
    return { issuer: this.issuer, clientId: client.clientId, name, accessToken, refreshToken, expiresAt };
  }

  #oidc(): OidcClient {
    if (!this.#clientId) {
      throw new Error(
        'OIDC_CLI_CLIENT_ID is not set: register a public client with the device authorization grant at your issuer and name it there.',
      );
    }
    this.#client ??= new OidcClient(this.#choice, { id: this.#clientId, secret: null });
    return this.#client;
  }
}
