import formbody from '@fastify/formbody';
import { isDomainError } from '@yeet/domain';
import { pickLocale } from '@yeet/domain/locale';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import { TryAgainLater, type AccountController } from '../controllers/account.controller.ts';
import { clientAddress } from '../limits/address.ts';
import type { SignInGuard } from '../limits/sign-in.ts';
import { isCrossOrigin, builtInIssuerPath as issuerPath } from '@yeet/platform';
import { localText, localViolations } from '../rpc/german.ts';
import { consentPage, errorPage, issuerPagePolicy, issuerWords, signInPage, signUpPage } from './pages.ts';
import { apiScope } from './provider.ts';

type Form = Record<string, string | undefined>;
type WithUid = FastifyRequest<{ Params: { uid: string }; Body: Form }>;

/**
 * Mounts the issuer under /oidc, with our own pages for its interactions: sign in,
 * create an account. oidc-provider reads raw bodies itself, so its routes live in a scope
 * without body parsers; the forms are parsed in theirs.
 */
export async function registerIssuer(
  app: FastifyInstance,
  provider: Provider,
  accounts: AccountController,
  o: { publicUrl: string; audience: string; guard: SignInGuard },
): Promise<void> {
  const publicOrigin = new URL(o.publicUrl).origin;
  const callback = provider.callback();
  const toProvider = (req: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    // oidc-provider writes the response itself: the header goes on the raw response first.
    reply.raw.setHeader('content-security-policy', issuerPagePolicy);
    const raw = req.raw as typeof req.raw & { originalUrl?: string };
    // oidc-provider routes on the path below its mount point and builds its URLs from originalUrl.
    raw.originalUrl = raw.url;
    raw.url = raw.url!.slice(issuerPath.length) || '/';
    callback(raw, reply.raw);
  };
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    scope.all(`${issuerPath}/*`, toProvider);
  });

  // Dynamic client registration (RFC 7591) for MCP clients: checked and rate-limited here,
  // then oidc-provider registers the client from the parsed body.
  await app.register(async (scope) => {
    scope.post(`${issuerPath}/reg`, { bodyLimit: 16 * 1024 }, async (req, reply) => {
      const wait = await o.guard.registration(clientAddress(req) ?? 'unknown');
      if (wait > 0) {
        return reply
          .code(429)
          .header('retry-after', Math.ceil(wait / 1000))
          .send({ error: 'invalid_request', error_description: 'Too many client registrations from this address; try later.' });
      }
      const checked = publicClientMetadata(req.body);
      if ('error' in checked) return reply.code(400).send(checked);
      (req.raw as typeof req.raw & { body?: unknown }).body = checked.metadata;
      toProvider(req, reply);
    });
  });

  await app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 16 * 1024 });
    const base = (uid: string) => `${issuerPath}/interaction/${encodeURIComponent(uid)}`;
    const noStore = (reply: FastifyReply) =>
      reply
        .header('cache-control', 'no-store')
        .header('content-security-policy', issuerPagePolicy)
        .type('text/html; charset=utf-8');
    // the sign-in pages' language: the site's (the lang cookie, then Accept-Language)
    const localeOf = (req: FastifyRequest) => pickLocale(req.headers.cookie, req.headers['accept-language']);
    const links = (uid: string, req: FastifyRequest) => ({
      signUpHref: `${base(uid)}/signup`,
      signInHref: base(uid),
      cancelHref: `${base(uid)}/abort`,
      locale: localeOf(req),
    });

    scope.setErrorHandler((error, req, reply) => {
      const locale = localeOf(req);
      const w = issuerWords(locale);
      if (error instanceof errors.SessionNotFound) {
        return noStore(reply)
          .code(400)
          .send(errorPage(w.expired, w.expiredText, undefined, locale));
      }
      req.log.error({ err: error }, 'sign-in page failed');
      return noStore(reply)
        .code(500)
        .send(errorPage(w.failed, w.failedText, undefined, locale));
    });

    scope.get(`${issuerPath}/interaction/:uid`, async (req: WithUid, reply) => {
      const details = await provider.interactionDetails(req.raw, reply.raw);
      if (details.prompt.name === 'consent') {
        // Our own clients have their grant from loadExistingGrant: this is a client that registered itself.
        const client = await provider.Client.find(String(details.params.client_id));
        if (client) {
          const redirectTo = new URL(String(details.params.redirect_uri));
          return noStore(reply).send(
            consentPage({
              action: `${base(details.uid)}/consent`,
              client: client.clientName ?? 'An app without a name',
              redirectTo: `${redirectTo.protocol}//${redirectTo.host}`,
              locale: localeOf(req),
            }),
          );
        }
      }
      if (details.prompt.name !== 'login') {
        const to = await provider.interactionResult(req.raw, reply.raw, {
          error: 'access_denied',
          error_description: 'This app cannot be authorised here.',
        });
        return reply.redirect(to, 303);
      }
      const uid = details.uid;
      if (details.params.screen_hint === 'signup') {
        return noStore(reply).send(signUpPage({ action: `${base(uid)}/signup`, ...links(uid, req) }));
      }
      return noStore(reply).send(signInPage({ action: `${base(uid)}/login`, ...links(uid, req) }));
    });

    scope.get(`${issuerPath}/interaction/:uid/signup`, async (req: WithUid, reply) => {
      const details = await provider.interactionDetails(req.raw, reply.raw);
      return noStore(reply).send(signUpPage({ action: `${base(details.uid)}/signup`, ...links(details.uid, req) }));
    });

    scope.post(`${issuerPath}/interaction/:uid/login`, async (req: WithUid, reply) => {
      const details = await provider.interactionDetails(req.raw, reply.raw);
      const email = String(req.body?.email ?? '');
      try {
        const account = await accounts.signIn(email, String(req.body?.password ?? ''), clientAddress(req) ?? 'unknown');
        const to = await provider.interactionResult(req.raw, reply.raw, {
          login: { accountId: account.id, remember: true, amr: ['pwd'] },
        });
        return reply.redirect(to, 303);
      } catch (error) {
        if (!isDomainError(error)) throw error;
        const status = error.code === 'resource_exhausted' ? 429 : 401;
        if (error instanceof TryAgainLater) reply.header('retry-after', error.retryAfterSeconds);
        return noStore(reply)
          .code(status)
          .send(
            signInPage({
              action: `${base(details.uid)}/login`,
              ...links(details.uid, req),
              email,
              error: localText(error.message, localeOf(req)),
            }),
          );
      }
    });

    scope.post(`${issuerPath}/interaction/:uid/signup`, async (req: WithUid, reply) => {
      const details = await provider.interactionDetails(req.raw, reply.raw);
      const values = { email: String(req.body?.email ?? ''), displayName: String(req.body?.displayName ?? '') };
      try {
        const account = await accounts.signUp(
          { ...values, password: String(req.body?.password ?? '') },
          clientAddress(req) ?? 'unknown',
        );
        const to = await provider.interactionResult(req.raw, reply.raw, {
          login: { accountId: account.id, remember: true, amr: ['pwd'] },
        });
        return reply.redirect(to, 303);
      } catch (error) {
        if (!isDomainError(error)) throw error;
        const locale = localeOf(req);
        const fieldErrors = Object.fromEntries(localViolations(error.violations, locale).map((v) => [v.field, v.description]));
        const status = error.code === 'resource_exhausted' ? 429 : error.code === 'already_exists' ? 409 : 400;
        if (error instanceof TryAgainLater) reply.header('retry-after', error.retryAfterSeconds);
        return noStore(reply)
          .code(status)
          .send(
            signUpPage({
              action: `${base(details.uid)}/signup`,
              ...links(details.uid, req),
              values,
              errors: fieldErrors,
              ...(error.violations.length ? {} : { error: localText(error.message, locale) }),
            }),
          );
      }
    });

    scope.post(`${issuerPath}/interaction/:uid/consent`, async (req: WithUid, reply) => {
      // the interaction cookie is SameSite=Lax; this also stops a same-site page from consenting for someone
      if (isCrossOrigin(req.headers, [publicOrigin])) {
        const locale = localeOf(req);
        const [title, text] = [localText('Not allowed', locale), localText('This request came from another site.', locale)];
        return noStore(reply)
          .code(403)
          .send(errorPage(title, text, undefined, locale));
      }
      const details = await provider.interactionDetails(req.raw, reply.raw);
      const { prompt, params, session } = details;
      if (prompt.name !== 'consent' || !session) throw new errors.SessionNotFound('no consent is being asked for');
      if (req.body?.decision !== 'allow') {
        const to = await provider.interactionResult(req.raw, reply.raw, {
          error: 'access_denied',
          error_description: 'The person did not connect this app.',
        });
        return reply.redirect(to, 303);
      }
      const grant = details.grantId
        ? (await provider.Grant.find(details.grantId))!
        : new provider.Grant({ accountId: session.accountId, clientId: String(params.client_id) });
      const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      grant.addResourceScope(typeof params.resource === 'string' ? params.resource : o.audience, apiScope);
      const to = await provider.interactionResult(
        req.raw,
        reply.raw,
        { consent: { grantId: await grant.save() } },
        { mergeWithLastSubmission: true },
      );
      return reply.redirect(to, 303);
    });

    scope.get(`${issuerPath}/interaction/:uid/abort`, async (req: WithUid, reply) => {
      const to = await provider.interactionResult(req.raw, reply.raw, {
        error: 'access_denied',
        error_description: 'Sign-in was cancelled.',
      });
      return reply.redirect(to, 303);
    });
  });
}

type Registration = { metadata: Record<string, unknown> } | { error: string; error_description: string };

/**
 * What a client may register as: a public client (no secret: it proves itself with PKCE)
 * using the authorization code flow, returning to a loopback address (a desktop or CLI app)
 * or an https URL. Unset fields get those values.
 */
function publicClientMetadata(body: unknown): Registration {
  const invalid = (error: string, description: string): Registration => ({ error, error_description: description });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return invalid('invalid_client_metadata', 'The registration must be a JSON object.');
  }
  const m = body as Record<string, unknown>;
  const uris = m.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0 || !uris.every((u) => typeof u === 'string' && allowedRedirect(u))) {
    return invalid(
      'invalid_redirect_uri',
      'redirect_uris must list https URLs or loopback http ones (127.0.0.1, [::1], localhost), without fragments.',
    );
  }
  if ((m.token_endpoint_auth_method ?? 'none') !== 'none') {
    return invalid('invalid_client_metadata', 'Only public clients register here: token_endpoint_auth_method "none", with PKCE.');
  }
  const grants = (m.grant_types ?? ['authorization_code', 'refresh_token']) as unknown[];
  if (
    !Array.isArray(grants) ||
    !grants.includes('authorization_code') ||
    grants.some((g) => g !== 'authorization_code' && g !== 'refresh_token')
  ) {
    return invalid('invalid_client_metadata', 'grant_types may be authorization_code and refresh_token only.');
  }
  const responses = (m.response_types ?? ['code']) as unknown[];
  if (!Array.isArray(responses) || responses.length !== 1 || responses[0] !== 'code') {
    return invalid('invalid_client_metadata', 'response_types must be ["code"].');
  }
  return { metadata: { ...m, token_endpoint_auth_method: 'none', grant_types: grants, response_types: responses } };
}

function allowedRedirect(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.hash) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
}
