import {
  alreadyExists,
  defaultRoles,
  DomainError,
  firstPersonRoles,
  normalizeEmail,
  parseSignUp,
  unauthenticated,
  type SignUp,
} from '@yeet/domain';
import { decoyHash, hashPassword, verifyPassword } from '../issuer/passwords.ts';
import { waitInWords, type SignInGuard, type Wait } from '../limits/sign-in.ts';
import type { Account } from '../stores/account.store.ts';
import type { DataAccess } from '../stores/database.ts';

/** Users of local accounts are stored under this issuer name, whatever the public URL. */
export const localIssuer = 'local';

/** A refusal that passes with time: resource_exhausted, and how long to wait (for Retry-After). */
export class TryAgainLater extends DomainError {
  readonly retryAfterSeconds: number;
  constructor(message: string, waitMs: number) {
    super('resource_exhausted', message);
    this.retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
  }
}

const incorrect = () => unauthenticated('The email or password is incorrect.');
const waitFor: Record<Wait['reason'], string> = {
  pair: 'Too many failed sign-ins to this account from your address.',
  address: 'Too many failed sign-ins from your address.',
  account: 'Too many failed sign-ins to this account.',
};

/**
 * Local accounts of the built-in issuer: sign-up and password checks. Answers never tell
 * whether an email has an account: a wrong password and an unknown email read the same
 * and take as long.
 */
export class AccountController {
  readonly #data: DataAccess;
  readonly #guard: SignInGuard;

  /** `guard`: the back-off of failed sign-ins and the sign-up quota, shared by every replica. */
  constructor(data: DataAccess, guard: SignInGuard) {
    this.#data = data;
    this.#guard = guard;
  }

  /** Creates the account and its user; the very first person becomes admin. */
  async signUp(input: SignUp, ip: string): Promise<Account> {
    const wait = await this.#guard.signUp(ip);
    if (wait)
      throw new TryAgainLater(
        `Too many accounts were created from your address. Wait ${waitInWords(wait)}, then try again.`,
        wait,
      );
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

  /**
   * A wrong password slows the next attempts of this email from this address (exponential
   * back-off), and past a ceiling those from the address and to the account; it never locks
   * the account (limits/sign-in.ts).
   */
  async signIn(emailInput: string, password: string, ip: string): Promise<Account> {
    const email = normalizeEmail(emailInput);
    const wait = await this.#guard.wait(email, ip);
    if (wait) throw new TryAgainLater(`${waitFor[wait.reason]} Wait ${waitInWords(wait.ms)}, then try again.`, wait.ms);
    const account = email ? await this.#data.stores.accounts.findByEmail(email) : null;
    const ok = await verifyPassword(account?.passwordHash ?? decoyHash, password);
    if (!account || !ok) {
      const counts = await this.#guard.failed(email, ip);
      if (counts) await this.#recordBurst(counts, account, ip);
      throw incorrect();
    }
    await this.#guard.succeeded(email, ip);
    await this.#data.stores.accounts.touchSignIn(account.id);
    return account;
  }

  /**
   * One audit event when failed sign-ins reach a burst (docs/operations.md, Audit log): for an
   * account from one address, from one address over all accounts, or to one account over all
   * addresses, once per window each. The account, when the email has one, is the subject; an
   * email without an account is never recorded (it may be someone's typo of their own).
   */
  async #recordBurst(counts: Record<Wait['reason'], number>, account: Account | null, ip: string): Promise<void> {
    const burstAt = this.#guard.burstAt;
    const reasons = (Object.keys(counts) as Wait['reason'][]).filter((r) => counts[r] === burstAt[r]);
    if (!reasons.length) return;
    const user = account ? await this.#data.stores.users.findByIdentity(localIssuer, account.id) : null;
    for (const reason of reasons) {
      if (reason !== 'address' && !user) continue;
      await this.#data.stores.audit.record({
        kind: 'user.sign_in_failures',
        actorId: null,
        subjectId: reason === 'address' ? null : (user?.id ?? null),
        detail: {
          scope: reason,
          failures: counts[reason],
          windowMinutes: Math.round(this.#guard.windowSeconds / 60),
          address: ip,
        },
      });
    }
  }

  /** Name and email for tokens and for a user seen for the first time. */
  async profile(accountId: string): Promise<{ displayName: string; email: string | null } | null> {
    const account = await this.#data.stores.accounts.get(accountId);
    return account ? { displayName: account.displayName, email: account.email } : null;
  }
}
