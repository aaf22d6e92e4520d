import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { HeldTokens } from '@yeet/platform';
import { withFileLock } from './file-lock.ts';

/** One sign-in of this computer at an issuer, as `yeet login` stores it. */
export interface StoredLogin extends HeldTokens {
  issuer: string;
  clientId: string;
  name: string | null;
}

/** `$XDG_CONFIG_HOME/eat-or-yeet/credentials.json` (else `~/.config/…`), readable by its owner only. */
export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'eat-or-yeet', 'credentials.json');
}

/** A refresh takes one HTTP round trip; a lock older than this was left by a crashed process. */
const staleLockMs = 30_000;

/**
 * The command-line tools' sign-ins, one per issuer, in one JSON file only its owner can
 * read. Every write replaces the file atomically, so a reader never sees half of one.
 */
export class CredentialStore {
  readonly file: string;

  constructor(file = credentialsPath()) {
    this.file = file;
  }

  async load(issuer: string): Promise<StoredLogin | null> {
    return (await this.#all())[issuer] ?? null;
  }

  save(login: StoredLogin): Promise<void> {
    return this.#write(login.issuer, login);
  }

  forget(issuer: string): Promise<void> {
    return this.#write(issuer, undefined);
  }

  /** Runs `run` while no other process on this computer runs one for the same file. */
  async exclusive<T>(run: () => Promise<T>): Promise<T> {
    await this.#ensureDirectory();
    return withFileLock(`${this.file}.lock`, { staleMs: staleLockMs }, run);
  }

  async #all(): Promise<Record<string, StoredLogin>> {
    try {
      return (JSON.parse(await readFile(this.file, 'utf8')) as { logins?: Record<string, StoredLogin> }).logins ?? {};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`${this.file} is not readable credentials; delete it and run "yeet login" again.`, { cause: error });
    }
  }

  async #write(issuer: string, login: StoredLogin | undefined): Promise<void> {
    const logins = await this.#all();
    if (login) logins[issuer] = login;
    else delete logins[issuer];
    await this.#ensureDirectory();
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify({ logins }, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.file);
  }

  async #ensureDirectory(): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
  }
}
