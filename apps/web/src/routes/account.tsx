import { createClient } from '@connectrpc/connect';
import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { UserService } from '@yeet/contract';
import { highestRole, roleLabels } from '@yeet/domain/values';
import { useId } from 'react';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { meQuery, publicOrigin } from '../lib/api';
import { requireUser } from '../lib/auth';
import { describeError } from '../lib/errors';
import { rolesOf } from '../lib/roles';
import { onLoadError } from '../lib/status';
import { useIdempotencyKeys } from '../lib/idempotency';

export const Route = createFileRoute('/account')({
  beforeLoad: ({ context, location }) => requireUser(context, location),
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: () => ({ meta: [{ title: 'Your account — Eat or Yeet' }] }),
  component: Account,
});

function Account() {
  const { transport } = Route.useRouteContext();
  const me = useSuspenseQuery(meQuery(transport)).data;
  const queryClient = useQueryClient();
  const id = useId();
  const keys = useIdempotencyKeys();
  const save = useMutation({
    mutationFn: (displayName: string) =>
      createClient(UserService, transport).updateProfile({ displayName }, keys.options('profile', displayName)),
    onSuccess: () => {
      keys.done();
      return queryClient.invalidateQueries({ queryKey: ['me'] });
    },
  });
  // signed out in another tab since the page was opened
  if (!me) return null;
  const error = save.error ? describeError(save.error) : null;
  return (
    <section className="narrow" aria-labelledby="account-title">
      <h1 id="account-title">Your account</h1>
      <dl className="facts__list">
        <div>
          <dt>Email</dt>
          <dd>{me.email || '—'}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{roleLabels[highestRole(rolesOf(me))]}</dd>
        </div>
      </dl>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(String(new FormData(e.currentTarget).get('displayName') ?? ''));
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-name`}>Name shown with your recipes and reviews</label>
          <input
            id={`${id}-name`}
            name="displayName"
            defaultValue={me.displayName}
            maxLength={80}
            aria-invalid={Boolean(error)}
            aria-describedby={error ? `${id}-name-error` : undefined}
          />
          {error ? (
            <p className="field-error" id={`${id}-name-error`}>
              {error.fields.displayName ?? error.message}
            </p>
          ) : null}
        </div>
        <button type="submit" className="button" disabled={save.isPending}>
          Save
        </button>
        {save.isSuccess ? (
          <p className="notice" role="status">
            Saved.
          </p>
        ) : null}
      </form>

      <section className="assistants" aria-labelledby={`${id}-assistants`}>
        <h2 id={`${id}-assistants`}>AI assistants</h2>
        <p>
          An assistant that speaks MCP can search and read recipes here, and — once you connect it — write drafts, submit them and
          rate recipes as you, under the same rules as this site.
        </p>
        <ul>
          <li>
            Server address: {/* the configured public URL on the server, the address bar's in the browser */}
            <code suppressHydrationWarning>{`${publicOrigin()}/mcp`}</code>
          </li>
          <li>
            On your computer, connect it with <code>yeet login</code>: it shows a code to confirm in this browser. Sign it out
            with <code>yeet logout</code>.
          </li>
        </ul>
      </section>
    </section>
  );
}
