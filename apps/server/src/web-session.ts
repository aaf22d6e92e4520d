import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import { errorPage, issuerPagePolicy } from '@yeet/api';
import {
  createSealer,
  currentWebSessionPath,
  isCrossOrigin,
  isFresh,
  OidcClient,
  sessionCookieName,
  webSessionCodec,
  webSessionTtlSeconds,
  type HeldTokens,
  type Logger,
  type SignInSettings,
  type WebSession,
} from '@yeet/platform';
import { type Locale, pickLocale } from '@yeet/domain/locale';
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

export async function registerWebSessions(
  app: FastifyInstance,
  settings: SignInSettings,
  options: {
    publicUrl: string;
    apiUrl: string;
    logger: Logger;
    /** The server the API is mounted on, in this process (`--role all`): asked without a socket. */
    api?: FastifyInstance;
  },
): Promise<WebSessions> {
  await app.register(fastifyCookie);
  const sessions = webSessionCodec(settings.sessionSecret);
  const stateSealer = createSealer(settings.sessionSecret, 'sign-in-state');
  const secure = options.publicUrl.startsWith('https://');
  const callbackUrl = `${options.publicUrl}/auth/callback`;
  const ownOrigin = [new URL(options.publicUrl).origin];

  // Discovery waits for the first sign-in: the built-in issuer is this very server.
  const issuer = new OidcClient(settings, { id: settings.clientId, secret: settings.clientSecret });

  /** Writes the session cookie; a refresh keeps the session's id, a sign-in starts a new one. */
  const writeSession = (reply: FastifyReply, tokens: HeldTokens, id: string = randomUUID(), signedInAt?: number) => {
    const session: WebSession = {
      id,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: tokens.expiresAt,
      ...(signedInAt ? { signedInAt } : {}),
    };
    reply.setCookie(sessionCookieName, sessions.seal(session, webSessionTtlSeconds), {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure,
      maxAge: webSessionTtlSeconds,
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
      // A refresh is no new authentication: the sign-in time stays the one of the sign-in.
      if (tokens) return writeSession(reply, tokens, session.id, session.signedInAt);
      options.logger.info('the issuer refused to refresh a web session; signing it out');
    } catch (err) {
      options.logger.info({ err }, 'could not refresh a web session; signing it out');
    }
    clearSession(reply);
    return null;
  };

  const revokeAtIssuer = async (session: WebSession) => {
    if (!session.refreshToken) return;
    try {
      await issuer.revoke(session.refreshToken);
    } catch (err) {
      // e.g. an issuer without a revocation endpoint: the API still refuses the session
      options.logger.warn({ err }, 'could not revoke a signed-out session’s refresh token at the issuer');
    }
  };
  /**
   * The status of `method` on the API's current-session route, proving the session by the
   * cookie itself: over HTTP, or injected into the API's own server when it is this process.
   */
  const askApi = async (method: 'GET' | 'DELETE', session: WebSession): Promise<number> => {
    const cookie = `${sessionCookieName}=${sessions.seal(session, 60)}`;
    if (options.api) return (await options.api.inject({ method, url: currentWebSessionPath, headers: { cookie } })).statusCode;
    const res = await fetch(`${options.apiUrl}${currentWebSessionPath}`, {
      method,
      headers: { cookie },
      signal: AbortSignal.timeout(5_000),
    });
    await res.body?.cancel();
    return res.status;
  };

  /** The API records the session as ended. */
  const endAtApi = async (session: WebSession) => {
    try {
      const status = await askApi('DELETE', session);
      if (status < 200 || status > 299) throw new Error(`the API answered ${status}`);
    } catch (err) {
      options.logger.error({ err }, 'could not end a signed-out session at the API; its cookie stays valid there');
    }
  };

  /** A fresh session, or null when there is none or it cannot be refreshed. */
  /**
   * Whether the API still takes the session: pages are rendered with its access token as a
   * bearer token, which the API cannot tell from any other, so a signed-out session must be
   * caught here. Open answers are believed for a few seconds. If the API cannot be asked, the
   * page cannot be rendered with its data either: the session is taken as open.
   */
  const isOpen = async (session: WebSession): Promise<boolean> => {
    const checked = openSessions.get(session.id);
    if (checked !== undefined && Date.now() - checked < openForMs) return true;
    try {
      if ((await askApi('GET', session)) === 401) return false;
    } catch (err) {
      options.logger.debug({ err }, 'could not ask the API whether a web session is open');
      return true;
    }
    openSessions.delete(session.id);
    openSessions.set(session.id, Date.now());
    if (openSessions.size > 10_000) openSessions.delete(openSessions.keys().next().value!);
    return true;
  };
  const openSessions = new Map<string, number>();

  const current = async (req: FastifyRequest, reply: FastifyReply): Promise<WebSession | null> => {
    const session = sessions.read(req.headers.cookie);
    if (!session) return null;
    if (!(await isOpen(session))) {
      clearSession(reply);
      return null;
    }
    if (isFresh(session)) return session;
    return refresh(session, reply);
  };

  // The sign-out form posts an empty urlencoded body: accept it without parsing.
  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', (_req, _body, done) => done(null));
    routes(scope);
  });

  /** `reauth`: sign in again even when the provider still has a session (before deleting an account). */
  type LoginQuery = { returnTo?: string; signup?: string; reauth?: string };

  function routes(app: FastifyInstance) {
    app.get('/auth/login', async (req: FastifyRequest<{ Querystring: LoginQuery }>, reply) => {
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
        // Before deleting an account: the provider authenticates the person afresh (a new auth_time).
        ...(req.query.reauth ? { prompt: 'login', max_age: '0' } : {}),
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
      if (!saved) return signInFailed(req, reply, 'tooLate');
      try {
        const tokens = await issuer.exchangeCode(url, { pkceCodeVerifier: saved.verifier, expectedState: saved.state });
        const authTime = tokens.idClaims?.auth_time;
        writeSession(reply, tokens, undefined, typeof authTime === 'number' ? authTime : undefined);
        return reply.redirect(returnTo, 303);
      } catch (err) {
        options.logger.warn({ err }, 'sign-in callback failed');
        return signInFailed(req, reply, 'notConfirmed');
      }
    });

    // Signing out ends the session here and now: its refresh token is revoked at the issuer and
    // the API refuses the session's access token, so a copy of the cookie is worth nothing even
    // if the person never confirms at the issuer's end-session page.
    app.post('/auth/logout', async (req, reply) => {
      if (isCrossOrigin(req.headers, ownOrigin)) return refuseCrossOrigin(reply);
      const session = sessions.read(req.headers.cookie);
      clearSession(reply);
      if (!session) return reply.redirect('/', 303);
      openSessions.delete(session.id);
      await Promise.all([revokeAtIssuer(session), endAtApi(session)]);
      const end = await issuer.endSessionUrl(`${options.publicUrl}/`).catch(() => null);
      return reply.redirect(end?.href ?? '/', 303);
    });

    // Browsers call this when the API says "unauthenticated" although they are signed in.
    app.post('/auth/refresh', async (req, reply) => {
      if (isCrossOrigin(req.headers, ownOrigin)) return refuseCrossOrigin(reply);
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

/** How long the web role believes the API that a session is open. */
const openForMs = 3_000;

function refuseCrossOrigin(reply: FastifyReply) {
  return reply.code(403).send({ error: 'This request came from another site; it was refused.' });
}

/** The failed sign-in page's words, in the site's languages (issue 17). */
const failedWords = {
  en: {
    title: 'Sign-in did not complete',
    tooLate: 'This sign-in took too long or was started in another browser.',
    notConfirmed: 'The identity provider did not confirm the sign-in.',
    nothingChanged: 'Nothing was changed.',
  },
  de: {
    title: 'Die Anmeldung wurde nicht abgeschlossen',
    tooLate: 'Diese Anmeldung hat zu lange gedauert oder wurde in einem anderen Browser begonnen.',
    notConfirmed: 'Der Anmeldedienst hat die Anmeldung nicht bestätigt.',
    nothingChanged: 'Es wurde nichts geändert.',
  },
} satisfies Record<Locale, Record<string, string>>;

/**
 * In the look of the sign-in pages (the issuer's layout and its policy), not bare HTML, and in
 * the language the site's pages are in (the `lang` cookie, then Accept-Language).
 */
function signInFailed(req: FastifyRequest, reply: FastifyReply, why: 'tooLate' | 'notConfirmed') {
  const locale = pickLocale(req.headers.cookie, req.headers['accept-language']);
  const w = failedWords[locale];
  return reply
    .code(400)
    .header('content-security-policy', issuerPagePolicy)
    .header('content-language', locale)
    .header('vary', 'accept-language, cookie')
    .type('text/html; charset=utf-8')
    .send(errorPage(w.title, `${w[why]} ${w.nothingChanged}`, undefined, locale));
}
