import {
  defaultRoles,
  failedPrecondition,
  firstPersonRoles,
  invalidField,
  isUuid,
  normalizeRoles,
  notFound,
  parseDisplayName,
  permissionDenied,
  unauthenticated,
  type Caller,
  type Rating,
  type Role,
  type SignedInCaller,
  type UserRef,
} from '@yeet/domain';
import { buildExportDocument, exportReadme } from '../exports/document.ts';
import { verifyPassword } from '../issuer/passwords.ts';
import { waitInWords, type SignInGuard } from '../limits/sign-in.ts';
import type { DataAccess } from '../stores/database.ts';
import { syntheticIssuers, type User } from '../stores/user.store.ts';
import { localIssuer, TryAgainLater } from './account.controller.ts';

/**
 * How long a deleted account's identity is refused: longer than any access token lives (the
 * built-in issuer's: 10 minutes), so a token issued before the deletion cannot start a new
 * account behind the person's back. Signing in afterwards starts a new, empty account.
 */
const deletedIdentityHoldMs = 60 * 60 * 1000;

/** What a deletion removed and kept, counted (docs/decisions/0024-account-deletion.md). */
export interface AccountDeletion {
  recipesDeleted: number;
  recipesKept: number;
  ratingsDeleted: number;
}

/** Who a verified token says the caller is. */
export interface VerifiedIdentity {
  issuer: string;
  subject: string;
  /** Roles carried by the token, when the issuer manages roles; null when we do. */
  roles: Role[] | null;
  /** Name and email, fetched only when the user is new (e.g. from the userinfo endpoint). */
  profile: () => Promise<{ displayName: string; email: string | null }>;
}

/** How a person proves it is them before their account is deleted (docs/decisions/0024-account-deletion.md). */
export interface Reauthentication {
  /** The account's password, for accounts of the built-in issuer. */
  password: string;
}

/** Failed passwords on the account page count against this "address", one per account (never shared between people). */
const reauthAddress = (userId: string) => `reauthentication:${userId}`;

export interface UserControllerOptions {
  rolesFromIssuer: boolean;
  /** How recent an external provider's sign-in (`auth_time`) must be to delete the account. Default 10 minutes. */
  reauthMaxAgeMs?: number;
  /** Slows guessing at the password asked again (as at sign-in); absent: no back-off. */
  guard?: SignInGuard;
}

export class UserController {
  readonly #data: DataAccess;
  readonly #rolesFromIssuer: boolean;
  readonly #reauthMaxAgeMs: number;
  readonly #guard: SignInGuard | null;
  /**
   * The user row `identify` read, by the caller it made of it (its `user`, which stays the
   * same object when the caller is copied, e.g. with `signedInAt`): GetMe (every page rendered
   * for a signed-in person) and GetViewer (every shared page view) answer with it instead of
   * reading the row again. Held only as long as the caller is, i.e. one call (or one page
   * render, `oneRequest`), so it is as fresh as the caller's own name and roles.
   */
  readonly #identified = new WeakMap<UserRef, User>();

  constructor(data: DataAccess, options: UserControllerOptions) {
    this.#data = data;
    this.#rolesFromIssuer = options.rolesFromIssuer;
    this.#reauthMaxAgeMs = options.reauthMaxAgeMs ?? 10 * 60_000;
    this.#guard = options.guard ?? null;
  }

  get rolesFromIssuer(): boolean {
    return this.#rolesFromIssuer;
  }

  /**
   * The caller behind a verified token: the user row, created on first sight. The first
   * person to sign in becomes admin (unless the issuer manages roles).
   */
  async identify(identity: VerifiedIdentity): Promise<SignedInCaller> {
    const known = await this.#data.stores.users.findByIdentity(identity.issuer, identity.subject);
    let user: User;
    if (known) {
      user = known;
      if (identity.roles && !sameRoles(identity.roles, known.roles)) {
        user = await this.#data.stores.users.setRoles(known.id, normalizeRoles(identity.roles));
      }
    } else {
      if (
        await this.#data.stores.people.deletedRecently(
          identity.issuer,
          identity.subject,
          new Date(Date.now() - deletedIdentityHoldMs),
        )
      ) {
        throw unauthenticated('This account was deleted. Sign in again later to start a new one.');
      }
      const profile = await identity.profile();
      user = await this.#data.transaction(async (s) => {
        await s.users.lockRoleDecisions();
        // A concurrent first request of the same person may have created them while this
        // one waited for the lock: deciding roles again would demote the first admin.
        const created = await s.users.findByIdentity(identity.issuer, identity.subject);
        if (created) return created;
        const roles = identity.roles
          ? normalizeRoles(identity.roles)
          : [...((await s.users.hasPeople()) ? defaultRoles : firstPersonRoles)];
        return s.users.upsert({ issuer: identity.issuer, subject: identity.subject, ...profile }, roles);
      });
    }
    const caller: SignedInCaller = { kind: 'user', user: { id: user.id, displayName: user.displayName }, roles: user.roles };
    this.#identified.set(caller.user, user);
    return caller;
  }

  /** The caller's own row: the one read to identify them in this call when this controller did, else read now. */
  async me(caller: SignedInCaller): Promise<User> {
    const user = this.#identified.get(caller.user) ?? (await this.#data.stores.users.get(caller.user.id));
    if (!user) throw notFound('Your account');
    return user;
  }

  /**
   * The caller and their own rating of `recipeId` (none: null), for the person's parts of a
   * page shared by every reader. Their own rating whatever the recipe's state: it is theirs.
   */
  async viewer(caller: SignedInCaller, recipeId: string): Promise<{ user: User; myRating: Rating | null }> {
    if (recipeId && !isUuid(recipeId)) throw invalidField('recipeId', 'must be a recipe id (a UUID), or empty');
    const [user, myRating] = await Promise.all([
      this.me(caller),
      recipeId ? this.#data.stores.ratings.get(recipeId, caller.user.id) : null,
    ]);
    return { user, myRating };
  }

  async updateProfile(caller: SignedInCaller, displayName: string): Promise<User> {
    return this.#data.stores.users.setDisplayName(caller.user.id, parseDisplayName(displayName));
  }

  async list(_caller: Caller, query: string, pageSize: number, pageToken: string) {
    return this.#data.stores.users.list(query.trim().slice(0, 100), pageSize, pageToken);
  }

  /**
   * The person deleting their own account proves it is them: the password again for an
   * account of this site; a sign-in at the external provider no older than the configured
   * age otherwise (the web's "sign in again" link asks the provider to authenticate afresh).
   */
  async #reauthenticate(caller: SignedInCaller, user: User, reauth: Reauthentication | null): Promise<void> {
    if (user.issuer === localIssuer) {
      const password = reauth?.password ?? '';
      if (!password) throw failedPrecondition('Enter your password to confirm that you want to delete your account.');
      const account = await this.#data.stores.accounts.get(user.subject);
      const email = account?.email ?? user.subject;
      const wait = await this.#guard?.wait(email, reauthAddress(user.id));
      if (wait) {
        throw new TryAgainLater(`Too many wrong passwords. Wait ${waitInWords(wait.ms)}, then try again.`, wait.ms);
      }
      if (!account || !(await verifyPassword(account.passwordHash, password))) {
        await this.#guard?.failed(email, reauthAddress(user.id));
        throw unauthenticated('That is not your password. Enter the password you sign in with to delete your account.');
      }
      await this.#guard?.succeeded(email, reauthAddress(user.id));
      return;
    }
    const minutes = Math.round(this.#reauthMaxAgeMs / 60_000);
    const at = caller.signedInAt;
    if (!at || Date.now() - at.getTime() > this.#reauthMaxAgeMs) {
      throw failedPrecondition(
        `To delete your account, sign in again first (your last sign-in must be less than ${minutes} minutes old), then delete it.`,
      );
    }
  }

  async setRoles(caller: SignedInCaller, userId: string, roles: Role[]): Promise<User> {
    if (this.#rolesFromIssuer) {
      throw failedPrecondition('Roles come from the identity provider here; change them there.');
    }
    return this.#data.transaction(async (s) => {
      await s.users.lockRoleDecisions();
      const user = await s.users.get(userId);
      if (!user) throw notFound('User');
      const next = normalizeRoles(roles);
      if (user.roles.includes('admin') && !next.includes('admin') && (await s.users.countAdmins()) <= 1) {
        throw failedPrecondition('This is the last admin; make someone else an admin first.');
      }
      const updated = await s.users.setRoles(userId, next);
      if (!sameRoles(user.roles, next)) {
        await s.audit.record({
          kind: 'user.roles_changed',
          actorId: caller.user.id,
          subjectId: userId,
          detail: { from: user.roles, to: next },
        });
      }
      return updated;
    });
  }

  /**
   * Everything stored about the caller, as one JSON document and a README (GDPR art. 15, 20),
   * built while the caller waits: the quick way for small accounts. The archive with the
   * original images is built by a job (ExportController, RequestDataExport).
   */
  async exportData(caller: SignedInCaller, now = new Date()): Promise<{ document: string; readme: string; fileName: string }> {
    const user = await this.#data.stores.users.get(caller.user.id);
    if (!user) throw notFound('Your account');
    const document = await buildExportDocument(this.#data.stores, user, user.issuer === localIssuer ? user.subject : null, now);
    return {
      document: JSON.stringify(document, null, 2),
      readme: exportReadme(false),
      fileName: `eat-or-yeet-data-${now.toISOString().slice(0, 10)}.json`,
    };
  }

  /**
   * Deletes an account (the caller's, or anyone's for an admin: the policy table decides who
   * gets here). One transaction: either everything below happens or nothing does.
   */
  async deleteAccount(
    caller: SignedInCaller,
    userId: string,
    keepPublished: boolean,
    reauth: Reauthentication | null = null,
  ): Promise<AccountDeletion> {
    const self = caller.user.id === userId;
    if (self) {
      const user = await this.#data.stores.users.get(userId);
      if (!user) throw notFound('Your account');
      // Before any lock: a password check takes a while on purpose.
      await this.#reauthenticate(caller, user, reauth);
    } else if (!caller.roles.includes('admin')) {
      throw permissionDenied('Only an admin can delete another person’s account.');
    }
    return this.#data.transaction(async (s) => {
      await s.users.lockRoleDecisions();
      const user = await s.users.get(userId);
      if (!user) throw notFound(self ? 'Your account' : 'User');
      // Demo, benchmark and development admins are not counted as admins, nor kept as the last.
      const countedAdmin = user.roles.includes('admin') && !syntheticIssuers.includes(user.issuer);
      if (countedAdmin && (await s.users.countAdmins()) <= 1) {
        throw failedPrecondition(
          self
            ? 'You are the last admin; make someone else an admin before deleting your account.'
            : 'This is the last admin; make someone else an admin first.',
        );
      }
      const recipes = await s.people.recipesOf(userId);
      const kept = recipes.filter((r) => keepPublished && (r.status === 'published' || r.status === 'archived'));
      const removed = recipes.filter((r) => !kept.includes(r));
      await s.people.deleteRecipes(removed.map((r) => r.id));
      const rated = await s.people.deleteRatingsBy(userId);
      for (const recipeId of rated) {
        // The recipe's row lock, as a rating takes it, so the summary counts every rating.
        if (await s.recipes.getForUpdate(recipeId)) await s.recipes.refreshRating(recipeId);
      }
      await s.people.deleteIdempotencyKeys(userId);
      await s.people.deleteRateLimits(userId, user.email);
      await s.people.deleteUploads(userId);
      await s.collections.deleteAllOf(userId);
      await s.shoppingLists.deleteAllOf(userId);
      await s.mealPlans.deleteAllOf(userId);
      // Exports of the account expire now; the sweep job removes their archives.
      if (await s.exports.expireAllOf(userId)) await s.jobs.sweepExports();
      if (user.issuer === localIssuer) await s.people.deleteLocalAccount(user.subject);
      await s.people.pseudonymise(userId);
      // Deleted recipes leave the index; re-rated and kept ones (now by "a former member") are
      // indexed again. Every index change also drops the web host's cached pages.
      for (const id of new Set([...removed.map((r) => r.id), ...rated, ...kept.map((r) => r.id)])) {
        await s.jobs.reindexRecipe(id);
      }
      // The spelling vocabulary holds words of the deleted recipes until it is rebuilt.
      if (removed.length) await s.jobs.rebuildLexicon();
      const deletion = { recipesDeleted: removed.length, recipesKept: kept.length, ratingsDeleted: rated.length };
      await s.audit.record({
        kind: 'user.deleted',
        actorId: caller.user.id,
        subjectId: userId,
        detail: { self, keepPublishedRecipes: keepPublished, ...deletion },
      });
      return deletion;
    });
  }
}

function sameRoles(a: readonly Role[], b: readonly Role[]): boolean {
  const x = normalizeRoles(a);
  const y = normalizeRoles(b);
  return x.length === y.length && x.every((r, i) => r === y[i]);
}
