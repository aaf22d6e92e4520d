import { builtInClientId, type Config } from './config.ts';
import { issuerChoice, type IssuerChoice } from './oidc.ts';
import { deriveSecret } from './seal.ts';

/** How the web app signs people in, from the configuration and the session secret. */
export interface SignInSettings extends IssuerChoice {
  clientId: string;
  /** null: a public client (PKCE only). */
  clientSecret: string | null;
  scopes: string;
  sessionSecret: string;
}

export function signInSettings(config: Pick<Config, 'publicUrl' | 'oidc'>, sessionSecret: string): SignInSettings {
  const choice = issuerChoice(config);
  return {
    ...choice,
    clientId: choice.builtIn ? builtInClientId : config.oidc.clientId,
    // The built-in issuer and the web app derive the client secret from the shared session secret.
    clientSecret: choice.builtIn ? deriveSecret(sessionSecret, 'oidc-web-client') : config.oidc.clientSecret,
    scopes: config.oidc.scopes,
    sessionSecret,
  };
}
