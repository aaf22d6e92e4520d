import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { builtInIssuerPath, type Config } from '@yeet/platform';
import * as oidc from 'openid-client';

/** One sign-in of this computer at an issuer, as `yeet login` stores it. */
export interface StoredLogin {
  issuer: string;
  clientId: string;
  name: string | null;
  accessToken: string;
  refreshToken: string | null;
  /** Seconds since the epoch. */
  expiresAt: number;
}

/** `$XDG_CONFIG_HOME/eat-or-yeet/credentials.json` (else `~/.config/…`), readable by its owner only. */
export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'eat-or-yeet', 'credentials.json');
}

const refreshAheadSeconds = 60;
/** A refresh takes one HTTP round trip; a lock older than this was left by a crashed process. */
const staleLockMs = 30_000;

const isFresh = (login: StoredLogin) => login.expiresAt - Date.now() / 1000 > refreshAheadSeconds;

/**
 * Signs this computer in for the command-line tools (`yeet mcp --stdio`, `yeet token`)
 * with the OAuth device authorization grant (RFC 8628): the person confirms a short code in
 * their browser, the tool receives tokens and keeps them, refreshed as they expire, in a
 * file only they can read.
 */
export class CliAuth {
  readonly #issuer: string;
  readonly #clientId: string | null;
  /** Built-in issuer: resource indicators (RFC 8707); external ones: the `audience` parameter. */
  readonly #audienceParam: Record<string, string>;
  readonly #scope: string;
  readonly #file: string;
  #configuration: Promise<oidc.Configuration> | null = null;
  #refreshing: Promise<StoredLogin | null> | null = null;

  constructor(config: Pick<Config, 'publicUrl' | 'oidc'>, file = credentialsPath()) {
    this.#issuer = config.oidc.issuer ?? `${config.publicUrl}${builtInIssuerPath}`;
    this.#clientId = config.oidc.cliClientId;
    this.#audienceParam = config.oidc.issuer ? { audience: config.oidc.audience } : { resource: config.oidc.audience };
    this.#scope = config.oidc.scopes;
    this.#file = file;
  }

  get issuer(): string {
    return this.#issuer;
  }

  /** Runs the device flow; `say` tells the person what to do. */
  async login(say: (line: string) => void, signal?: AbortSignal): Promise<StoredLogin> {
    const config = await this.#config();
    const device = await oidc.initiateDeviceAuthorization(config, { scope: this.#scope, ...this.#audienceParam });
    const link = device.verification_uri_complete ?? device.verification_uri;
    say(`To sign in, open ${link}`);
    say(`and check that it shows the code ${device.user_code}.`);
    say(`Waiting for you… (the code expires in ${Math.round(device.expires_in / 60)} minutes; Ctrl-C cancels)`);
    const tokens = await oidc.pollDeviceAuthorizationGrant(config, device, this.#audienceParam, signal ? { signal } : undefined);
    const claims = tokens.claims();
    const login = this.#stored(tokens, null, typeof claims?.name === 'string' ? claims.name : null);
    await this.#save(login);
    return login;
  }

  /** A valid access token of the stored sign-in, refreshed when due; null when there is none. */
  async accessToken(): Promise<string | null> {
    if (!this.#refreshing) {
      const login = await this.#load();
      if (!login) return null;
      if (isFresh(login)) return login.accessToken;
    }
    this.#refreshing ??= this.#refreshOnce().finally(() => (this.#refreshing = null));
    return (await this.#refreshing)?.accessToken ?? null;
  }

  /** Forgets the sign-in here and revokes it at the issuer; false when there was none. */
  async logout(): Promise<boolean> {
    const login = await this.#load();
    if (!login) return false;
    if (login.refreshToken) {
      // best effort: the issuer may be unreachable; the local copy goes regardless
      try {
        await oidc.tokenRevocation(await this.#config(), login.refreshToken);
      } catch {
        // nothing to do: the token expires on its own
      }
    }
    await this.#write(undefined);
    return true;
  }

  /**
   * The issuer rotates refresh tokens and treats a reused one as stolen, revoking the whole
   * sign-in. So only one process refreshes at a time (a lock file), and it first re-reads
   * the file in case another one just did.
   */
  #refreshOnce(): Promise<StoredLogin | null> {
    return this.#locked(async () => {
      const login = await this.#load();
      if (!login) return null;
      return isFresh(login) ? login : this.#refresh(login);
    });
  }

  async #locked<T>(run: () => Promise<T>): Promise<T> {
    const lock = `${this.#file}.lock`;
    await mkdir(path.dirname(this.#file), { recursive: true, mode: 0o700 });
    const deadline = Date.now() + staleLockMs + 5_000;
    for (;;) {
      try {
        await (await open(lock, 'wx', 0o600)).close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const since = await stat(lock).then((s) => s.mtimeMs, () => Date.now());
        if (Date.now() - since > staleLockMs) await rm(lock, { force: true });
        else if (Date.now() > deadline) throw new Error(`${lock} is held by another yeet command; if none is running, delete it.`);
        else await sleep(25);
      }
    }
    try {
      return await run();
    } finally {
      await rm(lock, { force: true });
    }
  }

  async #refresh(login: StoredLogin): Promise<StoredLogin | null> {
    if (!login.refreshToken) return null;
    try {
      const tokens = await oidc.refreshTokenGrant(await this.#config(), login.refreshToken, this.#audienceParam);
      const fresh = this.#stored(tokens, login.refreshToken, login.name);
      await this.#save(fresh);
      return fresh;
    } catch (error) {
      if (error instanceof oidc.ResponseBodyError) return null; // revoked or expired: sign in again
      throw error;
    }
  }

  #stored(tokens: oidc.TokenEndpointResponse, previousRefresh: string | null, name: string | null): StoredLogin {
    return {
      issuer: this.#issuer,
      clientId: this.#clientId!,
      name,
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token ?? previousRefresh,
      expiresAt: Math.floor(Date.now() / 1000) + (tokens.expires_in ?? 300),
    };
  }

  #config(): Promise<oidc.Configuration> {
    if (!this.#clientId) {
      return Promise.reject(
        new Error('OIDC_CLI_CLIENT_ID is not set: register a public client with the device authorization grant at your issuer and name it there.'),
      );
    }
    return (this.#configuration ??= oidc
      .discovery(
        new URL(this.#issuer),
        this.#clientId,
        undefined,
        oidc.None(),
        this.#issuer.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((e: unknown) => {
        this.#configuration = null;
        throw new Error(`Could not reach the sign-in service at ${this.#issuer} (is the platform running? PUBLIC_URL says where).`, { cause: e });
      }));
  }

  async #all(): Promise<Record<string, StoredLogin>> {
    try {
      return (JSON.parse(await readFile(this.#file, 'utf8')) as { logins?: Record<string, StoredLogin> }).logins ?? {};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`${this.#file} is not readable credentials; delete it and run "yeet login" again.`, { cause: error });
    }
  }

  async #load(): Promise<StoredLogin | null> {
    return (await this.#all())[this.#issuer] ?? null;
  }

  #save(login: StoredLogin): Promise<void> {
    return this.#write(login);
  }

  /** Replaces this issuer's entry (or removes it) atomically, in a file only the owner can read. */
  async #write(login: StoredLogin | undefined): Promise<void> {
    const logins = await this.#all();
    if (login) logins[this.#issuer] = login;
    else delete logins[this.#issuer];
    await mkdir(path.dirname(this.#file), { recursive: true, mode: 0o700 });
    const temporary = `${this.#file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify({ logins }, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.#file);
  }
}
