import {
  alreadyExists,
  defaultRoles,
  firstPersonRoles,
  normalizeEmail,
  parseSignUp,
  resourceExhausted,
  unauthenticated,
  type SignUp,
} from '@yeet/domain';
import { createRateLimiter, type RateLimiter } from '@yeet/platform';
import { decoyHash, hashPassword, verifyPassword } from '../issuer/passwords.ts';
import type { Account } from '../stores/account.store.ts';
import type { DataAccess } from '../stores/database.ts';

/** Users of local accounts are stored under this issuer name, whatever the public URL. */
export const localIssuer = 'local';

export interface SignInLimits {
  perIp: RateLimiter;
  perEmail: RateLimiter;
  signUpsPerIp: RateLimiter;
}

export const defaultSignInLimits = (): SignInLimits => ({
  // failed attempts count; a success clears the email's counter
  perEmail: createRateLimiter({ limit: 5, windowMs: 15 * 60_000 }),
  perIp: createRateLimiter({ limit: 30, windowMs: 15 * 60_000 }),
  signUpsPerIp: createRateLimiter({ limit: 10, windowMs: 60 * 60_000 }),
});

const incorrect = () => unauthenticated('The email or password is incorrect.');
const tooMany = (waitMs: number) =>
  resourceExhausted(`Too many attempts. Wait ${Math.max(1, Math.ceil(waitMs / 60_000))} minute(s), then try again.`);

/**
 * Local accounts of the built-in issuer: sign-up and password checks. Answers never tell
 * whether an email has an account: a wrong password and an unknown email read the same
 * and take as long.
 */
export class AccountController {
  readonly #data: DataAccess;
  readonly #limits: SignInLimits;

  constructor(data: DataAccess, limits: SignInLimits = defaultSignInLimits()) {
    this.#data = data;
    this.#limits = limits;
  }

  /** Creates the account and its user; the very first person becomes admin. */
  async signUp(input: SignUp, ip: string): Promise<Account> {
    const wait = this.#limits.signUpsPerIp.hit(ip);
    if (wait) throw tooMany(wait);
    const parsed = parseSignUp(input);
    const hash = await hashPassword(parsed.password);
    return this.#data.transaction(async (s) => {
      await s.users.lockRoleDecisions();
      const account = await s.accounts.create(parsed.email, parsed.displayName, hash);
      if (!account) {
        throw alreadyExists('We could not create an account with these details. If you already have one, sign in instead.');
      }
      const roles = (await s.users.hasPeople()) ? defaultRoles : firstPersonRoles;
      await s.users.upsert({ issuer: localIssuer, subject: account.id, displayName: account.displayName, email: account.email }, [
        ...roles,
      ]);
      return account;
    });
  }

  async signIn(emailInput: string, password: string, ip: string): Promise<Account> {
    const email = normalizeEmail(emailInput);
    const wait = Math.max(this.#limits.perIp.peek(ip), this.#limits.perEmail.peek(email));
    if (wait) throw tooMany(wait);
    const account = email ? await this.#data.stores.accounts.findByEmail(email) : null;
    const ok = await verifyPassword(account?.passwordHash ?? decoyHash, password);
    if (!account || !ok) {
      this.#limits.perIp.hit(ip);
      this.#limits.perEmail.hit(email);
      throw incorrect();
    }
    this.#limits.perEmail.reset(email);
    await this.#data.stores.accounts.touchSignIn(account.id);
    return account;
  }

  /** Name and email for tokens and for a user seen for the first time. */
  async profile(accountId: string): Promise<{ displayName: string; email: string | null } | null> {
    const account = await this.#data.stores.accounts.get(accountId);
    return account ? { displayName: account.displayName, email: account.email } : null;
  }
}
