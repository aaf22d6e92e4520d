import fastifyCookie from '@fastify/cookie';
import {
  createSealer,
  isFresh,
  OidcClient,
  sessionCookieName,
  webSessionCodec,
  type HeldTokens,
  type Logger,
  type SignInSettings,
  type WebSession,
} from '@yeet/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import { safeReturnTo } from './return-to.ts';

/**
 * Sign-in for the web app (a confidential client doing the authorization code flow with
 * PKCE, against the built-in issuer or any OIDC provider). Tokens stay on the server side:
 * they live in an encrypted, httpOnly, SameSite=Lax cookie (Secure on https). Server-side
 * rendering gets the access token from `sessionFor`; browser calls to /api carry the
 * cookie, which the API reads.
 */
export interface WebSessions {
  /** The access token of this request's session, refreshed (and the cookie rewritten) when it is about to expire. */
  accessTokenFor(req: FastifyRequest, reply: FastifyReply): Promise<string | null>;
}

const stateCookie = 'yeet_signin';
const sessionTtlSeconds = 14 * 24 * 60 * 60;

export async function registerWebSessions(
  app: FastifyInstance,
  settings: SignInSettings,
  options: { publicUrl: string; logger: Logger },
): Promise<WebSessions> {
  await app.register(fastifyCookie);
  const sessions = webSessionCodec(settings.sessionSecret);
  const stateSealer = createSealer(settings.sessionSecret, 'sign-in-state');
  const secure = options.publicUrl.startsWith('https://');
  const callbackUrl = `${options.publicUrl}/auth/callback`;

  // Discovery waits for the first sign-in: the built-in issuer is this very server.
  const issuer = new OidcClient(settings, { id: settings.clientId, secret: settings.clientSecret });

  const writeSession = (reply: FastifyReply, tokens: HeldTokens) => {
    const session: WebSession = {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: tokens.expiresAt,
    };
    reply.setCookie(sessionCookieName, sessions.seal(session, sessionTtlSeconds), {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure,
      maxAge: sessionTtlSeconds,
    });
    return session;
  };
  const clearSession = (reply: FastifyReply) =>
    reply.clearCookie(sessionCookieName, { path: '/', httpOnly: true, sameSite: 'lax', secure });

  /** New tokens for the session's refresh token; null (and the cookie cleared) when refused. */
  const refresh = async (session: WebSession, reply: FastifyReply): Promise<WebSession | null> => {
    if (!session.refreshToken) return null;
    try {
      const tokens = await issuer.refresh(session.refreshToken);
      if (tokens) return writeSession(reply, tokens);
      options.logger.info('the issuer refused to refresh a web session; signing it out');
    } catch (err) {
      options.logger.info({ err }, 'could not refresh a web session; signing it out');
    }
    clearSession(reply);
    return null;
  };

  /** A fresh session, or null when there is none or it cannot be refreshed. */
  const current = async (req: FastifyRequest, reply: FastifyReply): Promise<WebSession | null> => {
    const session = sessions.read(req.headers.cookie);
    if (!session) return null;
    if (isFresh(session)) return session;
    return refresh(session, reply);
  };

  // The sign-out form posts an empty urlencoded body: accept it without parsing.
  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', (_req, _body, done) => done(null));
    routes(scope);
  });

  function routes(app: FastifyInstance) {
    app.get('/auth/login', async (req: FastifyRequest<{ Querystring: { returnTo?: string; signup?: string } }>, reply) => {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const returnTo = safeReturnTo(req.query.returnTo, options.publicUrl);
      reply.setCookie(stateCookie, stateSealer.seal({ verifier, state, returnTo }, 30 * 60), {
        path: '/auth',
        httpOnly: true,
        sameSite: 'lax',
        secure,
        maxAge: 30 * 60,
      });
      const url = await issuer.authorizationUrl({
        redirect_uri: callbackUrl,
        scope: settings.scopes,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        ...(req.query.signup ? { screen_hint: 'signup' } : {}),
      });
      return reply.redirect(url.href, 302);
    });

    app.get('/auth/callback', async (req, reply) => {
      const saved = stateSealer.unseal<{ verifier: string; state: string; returnTo: string }>(req.cookies[stateCookie] ?? '');
      reply.clearCookie(stateCookie, { path: '/auth' });
      const url = new URL(req.url, options.publicUrl);
      // Checked again: a state cookie sealed by an older version may hold a value checked less strictly.
      const returnTo = safeReturnTo(saved?.returnTo, options.publicUrl);
      if (url.searchParams.get('error') === 'access_denied') return reply.redirect(returnTo, 303);
      if (!saved) return signInFailed(reply, 'This sign-in took too long or was started in another browser.');
      try {
        writeSession(reply, await issuer.exchangeCode(url, { pkceCodeVerifier: saved.verifier, expectedState: saved.state }));
        return reply.redirect(returnTo, 303);
      } catch (err) {
        options.logger.warn({ err }, 'sign-in callback failed');
        return signInFailed(reply, 'The identity provider did not confirm the sign-in.');
      }
    });

    app.post('/auth/logout', async (req, reply) => {
      const hadSession = sessions.read(req.headers.cookie) !== null;
      clearSession(reply);
      const end = hadSession ? await issuer.endSessionUrl(`${options.publicUrl}/`).catch(() => null) : null;
      return reply.redirect(end?.href ?? '/', 303);
    });

    // Browsers call this when the API says "unauthenticated" although they are signed in.
    app.post('/auth/refresh', async (req, reply) => {
      const session = sessions.read(req.headers.cookie);
      const fresh = session ? await refresh(session, reply) : null;
      return fresh ? reply.code(204).send() : reply.code(401).send({ signedIn: false });
    });
  }

  return {
    async accessTokenFor(req, reply) {
      return (await current(req, reply))?.accessToken ?? null;
    },
  };
}

function signInFailed(reply: FastifyReply, why: string) {
  return reply
    .code(400)
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign-in did not complete — Eat or Yeet</title></head>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.6">
<h1>Sign-in did not complete</h1><p>${why} Nothing was changed.</p>
<p><a href="/auth/login">Try again</a> · <a href="/">Back to the recipes</a></p></body></html>`,
    );
}
