import { isRole, unauthenticated, type Caller, type Role } from '@yeet/domain';

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
    return { kind: 'user', user: { id: user.id, displayName: user.displayName }, roles: user.roles };
  }
}

function parseRoles(header: string | null): Role[] {
  const names = (header ?? '').split(',').map((r) => r.trim().toLowerCase()).filter(Boolean);
  const roles = names.filter(isRole);
  if (roles.length !== names.length) {
    throw unauthenticated(`${devRolesHeader} takes a comma-separated list of: user, author, editor, admin.`);
  }
  return ['user', ...roles.filter((r) => r !== 'user')];
}
