import { anonymous, isRole, unauthenticated, type Caller, type Role } from '@yeet/domain';
import type { Logger, WebSession, WebSessionCodec } from '@yeet/platform';
import type { VerifiedIdentity } from '../controllers/user.controller.ts';
import { claimAt, type TokenVerifier } from '../identity/token-verifier.ts';

/**
 * Turns request headers into a caller. Implementations must be lenient about what they do
 * not recognise (no credentials → anonymous) and never throw for a missing credential.
 */
export interface IdentityResolver {
  resolve(headers: Headers): Promise<Caller>;
}

export interface UserDirectory {
  upsert(
    claims: { issuer: string; subject: string; displayName: string; email: string | null },
    roles?: Role[],
  ): Promise<{ id: string; displayName: string; roles: Role[] }>;
}

export const devUserHeader = 'x-yeet-dev-user';
export const devRolesHeader = 'x-yeet-dev-roles';
const devIssuer = 'urn:yeet:dev';

/**
 * Development identity: `x-yeet-dev-user: <handle>` (and optionally
 * `x-yeet-dev-roles: author,editor`) makes the caller that user. Accepted only when
 * DEV_AUTH=true; otherwise the header is refused outright so it cannot be relied on by
 * accident in production.
 */
export class DevHeaderIdentity implements IdentityResolver {
  readonly #enabled: boolean;
  readonly #users: UserDirectory;

  constructor(options: { enabled: boolean; users: UserDirectory }) {
    this.#enabled = options.enabled;
    this.#users = options.users;
  }

  async resolve(headers: Headers): Promise<Caller> {
    const handle = headers.get(devUserHeader)?.trim();
    if (!handle) return { kind: 'anonymous' };
    if (!this.#enabled) {
      throw unauthenticated(`The ${devUserHeader} header is accepted only when the server runs with DEV_AUTH=true.`);
    }
    if (!/^[a-z0-9][a-z0-9._-]{0,39}$/i.test(handle)) {
      throw unauthenticated(`${devUserHeader} must be a handle of letters, digits, '.', '_' or '-' (at most 40).`);
    }
    const roles = parseRoles(headers.get(devRolesHeader));
    const user = await this.#users.upsert(
      { issuer: devIssuer, subject: handle.toLowerCase(), displayName: handle, email: null },
      roles,
    );
    // No credential to present again: every request names the handle afresh (development only).
    return { kind: 'user', user: { id: user.id, displayName: user.displayName }, roles: user.roles, signedInAt: new Date() };
  }
}

function parseRoles(header: string | null): Role[] {
  const names = (header ?? '')
    .split(',')
    .map((r) => r.trim().toLowerCase())
    .filter(Boolean);
  const roles = names.filter(isRole);
  if (roles.length !== names.length) {
    throw unauthenticated(`${devRolesHeader} takes a comma-separated list of: user, author, editor, admin.`);
  }
  return ['user', ...roles.filter((r) => r !== 'user')];
}

export interface TokenIdentityOptions {
  verifier: TokenVerifier;
  /** Stable name of the issuer in the users table ("local" for the built-in one). */
  issuerKey: string;
  rolesClaim: string | null;
  /** Web session cookies, and which sessions were signed out (their tokens are refused). */
  sessions: { codec: WebSessionCodec; ended: { isEnded(id: string): Promise<boolean> } } | null;
  users: { identify(identity: VerifiedIdentity): Promise<Caller> };
  /** Name and email of a user seen for the first time. */
  profile: (subject: string, token: string) => Promise<{ displayName: string; email: string | null }>;
  logger: Logger;
}

/**
 * OIDC access tokens: `Authorization: Bearer <jwt>`, or the web session cookie that holds
 * one. Lenient by design: no token, or any problem with it (expired, wrong audience or
 * issuer, unknown key, bad signature, `alg: none`…), makes the caller anonymous and the
 * method's policy decides. Reasons are logged at debug level.
 */
export class TokenIdentity implements IdentityResolver {
  readonly #options: TokenIdentityOptions;

  constructor(options: TokenIdentityOptions) {
    this.#options = options;
  }

  async resolve(headers: Headers): Promise<Caller> {
    const o = this.#options;
    const bearer = bearerToken(headers);
    const session = bearer ? null : (o.sessions?.codec.read(headers.get('cookie')) ?? null);
    const token = bearer ?? session?.accessToken;
    if (!token) return anonymous;
    // Whether a cookie's session was signed out is asked beside the token's checks, not
    // before them: a request holds its admission slot for one database round trip fewer.
    const [open, identified] = await Promise.all([session ? this.#stillOpen(session) : true, this.#identify(token)]);
    if (!open || !identified) return anonymous;
    const { caller, claims } = identified;
    // When the person last authenticated at the issuer: re-authentication before an account's
    // deletion reads it (docs/decisions/0024-account-deletion.md). Access tokens rarely carry
    // it; the web session keeps the ID token's.
    const authTime = typeof claims.auth_time === 'number' ? claims.auth_time : session?.signedInAt;
    return caller.kind === 'user' && typeof authTime === 'number' ? { ...caller, signedInAt: new Date(authTime * 1000) } : caller;
  }

  /** The person a valid token names; null (anonymous) for any problem with the token. */
  async #identify(token: string) {
    const o = this.#options;
    const result = await o.verifier.verify(token);
    if (!result.ok) {
      o.logger.debug({ reason: result.reason }, 'access token not accepted; treating the caller as anonymous');
      return null;
    }
    const subject = result.claims.sub!;
    const caller = await o.users.identify({
      issuer: o.issuerKey,
      subject,
      roles: o.rolesClaim ? rolesIn(claimAt(result.claims, o.rolesClaim)) : null,
      profile: () => o.profile(subject, token),
    });
    return { caller, claims: result.claims };
  }

  /** Whether the cookie's session is still open (not signed out). */
  async #stillOpen(session: WebSession): Promise<boolean> {
    if (!(await this.#options.sessions!.ended.isEnded(session.id))) return true;
    this.#options.logger.debug('the session cookie belongs to a signed-out session; treating the caller as anonymous');
    return false;
  }
}

/** The first resolver that recognises the caller wins; none does: anonymous. */
export class IdentityChain implements IdentityResolver {
  readonly #resolvers: IdentityResolver[];

  constructor(resolvers: IdentityResolver[]) {
    this.#resolvers = resolvers;
  }

  async resolve(headers: Headers): Promise<Caller> {
    for (const resolver of this.#resolvers) {
      const caller = await resolver.resolve(headers);
      if (caller.kind !== 'anonymous') return caller;
    }
    return anonymous;
  }
}

function bearerToken(headers: Headers): string | null {
  const match = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(headers.get('authorization') ?? '');
  return match?.[1] ?? null;
}

/** Our role names found in a claim (a list, or a space-separated string); others are ignored. */
function rolesIn(value: unknown): Role[] {
  const names = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,]+/) : [];
  return names.map((n) => String(n).toLowerCase()).filter(isRole);
}
