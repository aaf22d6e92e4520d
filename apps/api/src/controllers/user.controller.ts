import {
  defaultRoles,
  failedPrecondition,
  firstPersonRoles,
  normalizeRoles,
  notFound,
  parseDisplayName,
  type Caller,
  type Role,
  type SignedInCaller,
} from '@yeet/domain';
import type { DataAccess } from '../stores/database.ts';
import type { User } from '../stores/user.store.ts';

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

  async setRoles(_caller: SignedInCaller, userId: string, roles: Role[]): Promise<User> {
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
      return s.users.setRoles(userId, next);
    });
  }
}

function sameRoles(a: readonly Role[], b: readonly Role[]): boolean {
  const x = normalizeRoles(a);
  const y = normalizeRoles(b);
  return x.length === y.length && x.every((r, i) => r === y[i]);
}
