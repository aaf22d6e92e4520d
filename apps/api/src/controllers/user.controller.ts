import {
  defaultRoles,
  failedPrecondition,
  firstPersonRoles,
  normalizeRoles,
  notFound,
  parseDisplayName,
  unauthenticated,
  type Caller,
  type Role,
  type SignedInCaller,
} from '@yeet/domain';
import type { DataAccess } from '../stores/database.ts';
import { syntheticIssuers, type User } from '../stores/user.store.ts';
import { localIssuer } from './account.controller.ts';

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

export class UserController {
  readonly #data: DataAccess;
  readonly #rolesFromIssuer: boolean;

  constructor(data: DataAccess, options: { rolesFromIssuer: boolean }) {
    this.#data = data;
    this.#rolesFromIssuer = options.rolesFromIssuer;
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
    return { kind: 'user', user: { id: user.id, displayName: user.displayName }, roles: user.roles };
  }

  async me(caller: SignedInCaller): Promise<User> {
    const user = await this.#data.stores.users.get(caller.user.id);
    if (!user) throw notFound('Your account');
    return user;
  }

  async updateProfile(caller: SignedInCaller, displayName: string): Promise<User> {
    return this.#data.stores.users.setDisplayName(caller.user.id, parseDisplayName(displayName));
  }

  async list(_caller: Caller, query: string, pageSize: number, pageToken: string) {
    return this.#data.stores.users.list(query.trim().slice(0, 100), pageSize, pageToken);
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
   * Everything stored about the caller, as one JSON document and a README (GDPR art. 15, 20).
   * Built while the caller waits: fine for accounts of a few hundred recipes; large ones and
   * original images want a background job and an archive (not built yet).
   */
  async exportData(caller: SignedInCaller, now = new Date()): Promise<{ document: string; readme: string; fileName: string }> {
    const user = await this.#data.stores.users.get(caller.user.id);
    if (!user) throw notFound('Your account');
    const rows = await this.#data.stores.people.exportRows(user.id, user.issuer === localIssuer ? user.subject : null);
    const eventsOf = (id: string) => rows.events.filter((e) => e.recipe_id === id);
    const document = {
      format: 'eat-or-yeet/personal-data',
      version: 1,
      exportedAt: now.toISOString(),
      profile: {
        id: user.id,
        displayName: user.displayName,
        email: user.email,
        roles: user.roles,
        createdAt: user.createdAt.toISOString(),
        signIn: user.issuer === localIssuer ? 'this site' : 'an external identity provider',
      },
      signInHistory: rows.account
        ? {
            accountCreatedAt: rows.account.created_at.toISOString(),
            lastSignInAt: rows.account.last_sign_in_at?.toISOString() ?? null,
          }
        : null,
      recipes: rows.recipes.map((r) => ({
        id: r.id,
        slug: r.slug,
        status: r.status,
        title: r.title,
        summary: r.summary,
        servings: r.servings,
        prepMinutes: r.prep_minutes,
        cookMinutes: r.cook_minutes,
        totalMinutes: r.total_minutes,
        difficulty: r.difficulty,
        cuisines: r.cuisines,
        mealTypes: r.meal_types,
        tags: r.tags,
        dietaryFlags: r.dietary_flags,
        ingredientSections: r.ingredient_sections,
        steps: r.steps,
        rejectionReason: r.rejection_reason,
        createdAt: r.created_at.toISOString(),
        updatedAt: r.updated_at.toISOString(),
        publishedAt: r.published_at?.toISOString() ?? null,
        events: eventsOf(r.id).map((e) => ({
          action: e.action,
          fromStatus: e.from_status,
          toStatus: e.to_status,
          reason: e.reason,
          at: e.created_at.toISOString(),
        })),
      })),
      ratings: rows.ratings.map((r) => ({
        recipeId: r.recipe_id,
        recipeTitle: r.title,
        recipeSlug: r.slug,
        stars: r.stars,
        review: r.review,
        createdAt: r.created_at.toISOString(),
        updatedAt: r.updated_at.toISOString(),
      })),
      images: rows.images.map((i) => ({
        id: i.id,
        format: i.format,
        byteSize: i.byte_size,
        width: i.width,
        height: i.height,
        createdAt: i.created_at.toISOString(),
      })),
      accountEvents: rows.audit.map((a) => ({ kind: a.kind, detail: a.detail, at: a.created_at.toISOString() })),
    };
    return {
      document: JSON.stringify(document, null, 2),
      readme: exportReadme,
      fileName: `eat-or-yeet-data-${now.toISOString().slice(0, 10)}.json`,
    };
  }

  /**
   * Deletes an account (the caller's, or anyone's for an admin: the policy table decides who
   * gets here). One transaction: either everything below happens or nothing does.
   */
  async deleteAccount(caller: SignedInCaller, userId: string, keepPublished: boolean): Promise<AccountDeletion> {
    const self = caller.user.id === userId;
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

const exportReadme = `Your data from Eat or Yeet
==========================

The JSON document next to this text holds everything this site stores about you.

format, version   What the document is; the version changes if its fields do.
exportedAt        When it was made (UTC, ISO 8601, like every time in it).
profile           Your id, the name shown with your recipes and reviews, your email,
                  your roles (user, author, editor, admin) and when the account began;
                  signIn says whether you sign in here or through another provider.
signInHistory     For accounts of this site: when it was created and your last sign-in
                  (no other sign-in history is kept). null for other providers.
recipes           Every recipe you wrote, in any state (draft, in_review, published,
                  archived), with its full content and its events: who moved it from
                  which state to which, when, and an editor's reason if one was given.
ratings           Your ratings (1-5 stars) and reviews, with the recipe they are about.
images            The images you uploaded (sizes and formats; the files themselves are
                  not in this document yet: download them from the recipe pages).
accountEvents     Changes to your account: role changes (from, to).

Deleting your account (on the account page) removes all of this except what the
confirmation there says is kept.
`;
