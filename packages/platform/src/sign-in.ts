import { builtInClientId, type Config } from './config.ts';
import { deriveSecret } from './seal.ts';

/** The path of the built-in issuer under PUBLIC_URL. */
export const builtInIssuerPath = '/oidc';

/** How the web app signs people in, from the configuration and the session secret. */
export interface SignInSettings {
  issuer: string;
  clientId: string;
  /** null: a public client (PKCE only). */
  clientSecret: string | null;
  audience: string;
  scopes: string;
  sessionSecret: string;
  /** The built-in issuer (served by the API role at <PUBLIC_URL>/oidc). */
  builtIn: boolean;
}

export function signInSettings(config: Pick<Config, 'publicUrl' | 'oidc'>, sessionSecret: string): SignInSettings {
  const builtIn = config.oidc.issuer === null;
  return {
    issuer: config.oidc.issuer ?? `${config.publicUrl}${builtInIssuerPath}`,
    clientId: builtIn ? builtInClientId : config.oidc.clientId,
    // The built-in issuer and the web app derive the client secret from the shared session secret.
    clientSecret: builtIn ? deriveSecret(sessionSecret, 'oidc-web-client') : config.oidc.clientSecret,
    audience: config.oidc.audience,
    scopes: config.oidc.scopes,
    sessionSecret,
    builtIn,
  };
}
