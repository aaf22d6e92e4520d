import type { Database, Kysely } from '@yeet/db';
import { OidcClient, webSessionCodec, type OidcConfig, type SignInSettings, type Telemetry } from '@yeet/platform';
import type Provider from 'oidc-provider';
import { AccountController, localIssuer } from '../controllers/account.controller.ts';
import type { UserController } from '../controllers/user.controller.ts';
import { generateIssuerSecrets, issuerSecretsKey, publicKeySet, type IssuerSecrets } from '../issuer/keys.ts';
import { createIssuer } from '../issuer/provider.ts';
import type { SignInGuard } from '../limits/sign-in.ts';
import { TokenIdentity } from '../rpc/identity.ts';
import type { DataAccess } from '../stores/database.ts';
import type { EndedWebSessions } from './ended-sessions.ts';
import { userinfoProfile } from './external-profile.ts';
import { createTokenVerifier } from './token-verifier.ts';

export interface IdentityDependencies {
  db: Kysely<Database>;
  data: DataAccess;
  users: UserController;
  telemetry: Telemetry;
  publicUrl: string;
  oidc: Pick<OidcConfig, 'rolesClaim'>;
  signIn: SignInSettings;
  trustProxy: boolean;
  endedSessions: EndedWebSessions;
  /** The back-off of failed sign-ins at the built-in issuer. */
  signInGuard: SignInGuard;
  /** Wraps a controller the way the API observes all of them. */
  observe: <T extends object>(name: string, target: T) => T;
}

export interface Identity {
  /** Who calls, from an access token in the Authorization header or the web session cookie. */
  tokens: TokenIdentity;
  /** The built-in issuer to mount under /oidc; null when an external one signs people in. */
  issuer: { provider: Provider; accounts: AccountController } | null;
}

/**
 * Who signs people in: the built-in issuer (its keys kept in the database, its accounts
 * here) or an external one (keys and profiles found through discovery), and how the API
 * recognises their access tokens.
 */
export async function createIdentity(deps: IdentityDependencies): Promise<Identity> {
  const { data, oidc, signIn, telemetry } = deps;
  const base = {
    rolesClaim: oidc.rolesClaim,
    sessions: { codec: webSessionCodec(signIn.sessionSecret), ended: deps.endedSessions },
    users: deps.users,
    logger: telemetry.logger,
  };
  if (!signIn.builtIn) {
    const external = new OidcClient(signIn, { id: signIn.clientId, secret: signIn.clientSecret });
    const keys = { kind: 'remote', jwksUri: () => external.jwksUri() } as const;
    return {
      issuer: null,
      tokens: new TokenIdentity({
        ...base,
        verifier: createTokenVerifier({ issuer: signIn.issuer, audience: signIn.audience, keys }),
        issuerKey: signIn.issuer,
        profile: userinfoProfile(external, telemetry.logger),
      }),
    };
  }
  const secrets = await data.stores.meta.getOrCreate<IssuerSecrets>(issuerSecretsKey, generateIssuerSecrets);
  const accounts = deps.observe('AccountController', new AccountController(data, deps.signInGuard));
  const profile = async (accountId: string) => accounts.profile(accountId);
  const provider = createIssuer({
    publicUrl: deps.publicUrl,
    issuer: signIn.issuer,
    audience: signIn.audience,
    db: deps.db,
    secrets,
    client: { id: signIn.clientId, secret: signIn.clientSecret! },
    trustProxy: deps.trustProxy,
    profile,
    onError: (err) => telemetry.logger.error({ err }, 'built-in issuer failed'),
  });
  return {
    issuer: { provider, accounts },
    tokens: new TokenIdentity({
      ...base,
      verifier: createTokenVerifier({
        issuer: signIn.issuer,
        audience: signIn.audience,
        keys: { kind: 'local', keySet: publicKeySet(secrets) },
      }),
      issuerKey: localIssuer,
      profile: async (subject) => (await profile(subject)) ?? { displayName: 'Cook', email: null },
    }),
  };
}
