import formbody from '@fastify/formbody';
import { isDomainError } from '@yeet/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { AccountController } from '../controllers/account.controller.ts';
import { builtInIssuerPath as issuerPath } from '@yeet/platform';
import { errorPage, issuerPagePolicy, signInPage, signUpPage } from './pages.ts';

type Form = Record<string, string | undefined>;
type WithUid = FastifyRequest<{ Params: { uid: string }; Body: Form }>;

/**
 * Mounts the issuer under /oidc, with our own pages for its interactions: sign in,
 * create an account. oidc-provider reads raw bodies itself, so its routes live in a scope
 * without body parsers; the forms are parsed in theirs.
 */
export async function registerIssuer(app: FastifyInstance, provider: Provider, accounts: AccountController): Promise<void> {
  const callback = provider.callback();
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    scope.all(`${issuerPath}/*`, (req, reply) => {
      reply.hijack();
      // oidc-provider writes the response itself: the header goes on the raw response first.
      reply.raw.setHeader('content-security-policy', issuerPagePolicy);
      const raw = req.raw as typeof req.raw & { originalUrl?: string };
      // oidc-provider routes on the path below its mount point and builds its URLs from originalUrl.
      raw.originalUrl = raw.url;
      raw.url = raw.url!.slice(issuerPath.length) || '/';
      callback(raw, reply.raw);
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
    const links = (uid: string) => ({
      signUpHref: `${base(uid)}/signup`,
      signInHref: base(uid),
      cancelHref: `${base(uid)}/abort`,
    });

    scope.setErrorHandler((error, req, reply) => {
      if (error instanceof errors.SessionNotFound) {
        return noStore(reply)
          .code(400)
          .send(
            errorPage('This sign-in page has expired', 'Sign-in pages are valid for 30 minutes. Start again and it will work.'),
          );
      }
      req.log.error({ err: error }, 'sign-in page failed');
      return noStore(reply).code(500).send(errorPage('Something went wrong', 'We could not complete this step. Try again.'));
    });

    scope.get(`${issuerPath}/interaction/:uid`, async (req: WithUid, reply) => {
      const details = await provider.interactionDetails(req.raw, reply.raw);
      if (details.prompt.name !== 'login') {
        // Consent is granted for our own client by loadExistingGrant; anything else is not offered.
        const to = await provider.interactionResult(req.raw, reply.raw, {
          error: 'access_denied',
          error_description: 'This app cannot be authorised here.',
        });
        return reply.redirect(to, 303);
      }
      const uid = details.uid;
      if (details.params.screen_hint === 'signup') {
        return noStore(reply).send(signUpPage({ action: `${base(uid)}/signup`, ...links(uid) }));
      }
      return noStore(reply).send(signInPage({ action: `${base(uid)}/login`, ...links(uid) }));
    });

    scope.get(`${issuerPath}/interaction/:uid/signup`, async (req: WithUid, reply) => {
      const details = await provider.interactionDetails(req.raw, reply.raw);
      return noStore(reply).send(signUpPage({ action: `${base(details.uid)}/signup`, ...links(details.uid) }));
    });

    scope.post(`${issuerPath}/interaction/:uid/login`, async (req: WithUid, reply) => {
      const details = await provider.interactionDetails(req.raw, reply.raw);
      const email = String(req.body?.email ?? '');
      try {
        const account = await accounts.signIn(email, String(req.body?.password ?? ''), req.ip);
        const to = await provider.interactionResult(req.raw, reply.raw, {
          login: { accountId: account.id, remember: true, amr: ['pwd'] },
        });
        return reply.redirect(to, 303);
      } catch (error) {
        if (!isDomainError(error)) throw error;
        const status = error.code === 'resource_exhausted' ? 429 : 401;
        return noStore(reply)
          .code(status)
          .send(signInPage({ action: `${base(details.uid)}/login`, ...links(details.uid), email, error: error.message }));
      }
    });

    scope.post(`${issuerPath}/interaction/:uid/signup`, async (req: WithUid, reply) => {
      const details = await provider.interactionDetails(req.raw, reply.raw);
      const values = { email: String(req.body?.email ?? ''), displayName: String(req.body?.displayName ?? '') };
      try {
        const account = await accounts.signUp({ ...values, password: String(req.body?.password ?? '') }, req.ip);
        const to = await provider.interactionResult(req.raw, reply.raw, {
          login: { accountId: account.id, remember: true, amr: ['pwd'] },
        });
        return reply.redirect(to, 303);
      } catch (error) {
        if (!isDomainError(error)) throw error;
        const fieldErrors = Object.fromEntries(error.violations.map((v) => [v.field, v.description]));
        const status = error.code === 'resource_exhausted' ? 429 : error.code === 'already_exists' ? 409 : 400;
        return noStore(reply)
          .code(status)
          .send(
            signUpPage({
              action: `${base(details.uid)}/signup`,
              ...links(details.uid),
              values,
              errors: fieldErrors,
              ...(error.violations.length ? {} : { error: error.message }),
            }),
          );
      }
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
