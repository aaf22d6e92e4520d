import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { Transport } from '@connectrpc/connect';
import { queryOptions, useMutation, useQuery, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { DataExport_State, type User } from '@yeet/contract';
import { highestRole, roleLabels } from '@yeet/domain/values';
import { defineMessages, messagesIn, params, useMessages } from '../lib/i18n';
import { useId, useRef, useState } from 'react';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { meQuery, publicOrigin } from '../lib/api';
import { requireUser } from '../lib/auth';
import { describeError } from '../lib/errors';
import { useFormats } from '../lib/format';
import { rolesOf } from '../lib/roles';
import { onLoadError } from '../lib/status';
import { useIdempotencyKeys } from '../lib/idempotency';
import { userClient } from '../lib/rpc';

const messages = defineMessages('account', {
  title: 'Your account — Eat or Yeet',
  heading: 'Your account',
  email: 'Email',
  role: 'Role',
  name: 'Name shown with your recipes and reviews',
  save: 'Save',
  saved: 'Saved.',
  assistants: 'AI assistants',
  assistantsText:
    'An assistant that speaks MCP can search and read recipes here, and — once you connect it — write drafts, submit them and rate recipes as you, under the same rules as this site.',
  serverAddress: 'Server address:',
  connectWith: 'On your computer, connect it with',
  connectCode: ': it shows a code to confirm in this browser. Sign it out with',
  data: 'Your data',
  dataText:
    'One archive with your profile, roles, sign-in, recipes (with their history), ratings and reviews as a JSON file, the original of every image you uploaded, and a README explaining the fields. It is prepared in the background; the link to download it works for a limited time.',
  preparing: 'Preparing your archive…',
  ready: 'Ready —',
  download: 'download your data',
  expires: params('({size}; the link expires {when}).'),
  prepareNew: 'Prepare a new archive',
  downloadMine: 'Download my data',
  justJson: 'Just the JSON, now',
  deleteTitle: 'Delete my account',
  deleteText: 'Deleting your account cannot be undone. It removes at once:',
  gone1: 'your name, email and sign-in, and every session and app you connected;',
  gone2: 'your drafts and recipes waiting for review;',
  gone3: 'your ratings and reviews, and the archives of your data;',
  gone4: 'your published recipes, unless you keep them below.',
  stays:
    'The history of recipes you helped review stays, with you shown as “a former member”, and an admin can see that an account was deleted — not whose.',
  keep: 'Keep my published recipes, shown as by “a former member”',
  password: 'Your password, to confirm it is you',
  otherProvider: 'You sign in through another provider:',
  signInAgain: 'sign in again',
  otherProviderThen: 'to confirm it is you, then delete your account within a few minutes.',
  typeDelete: 'Type DELETE to confirm',
});
const roleNames = defineMessages('roleName', roleLabels);

export const Route = createFileRoute('/account')({
  beforeLoad: async ({ context, location }) => ({ me: await requireUser(context, location) }),
  // The exports come with the page: asked from the browser, they brought the API's client code
  // and a call into the page's load (Lighthouse: the account page's blocking time).
  loader: ({ context: { queryClient, transport, me } }) =>
    queryClient.ensureQueryData(dataExports(transport, me.id)).catch(() => undefined),
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: ({ match }) => ({ meta: [{ title: messagesIn(messages, match.context.locale).title }] }),
  component: Account,
});

function Account() {
  const { transport } = Route.useRouteContext();
  const me = useSuspenseQuery(meQuery(transport)).data;
  const queryClient = useQueryClient();
  const id = useId();
  const keys = useIdempotencyKeys();
  const t = useMessages(messages);
  const roleName = useMessages(roleNames);
  const save = useMutation({
    mutationFn: (displayName: string) =>
      userClient(transport).updateProfile({ displayName }, keys.options('profile', displayName)),
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
      <h1 id="account-title">{t.heading}</h1>
      <dl className="facts__list">
        <div>
          <dt>{t.email}</dt>
          <dd>{me.email || '—'}</dd>
        </div>
        <div>
          <dt>{t.role}</dt>
          <dd>{roleName[highestRole(rolesOf(me))]}</dd>
        </div>
      </dl>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(String(new FormData(e.currentTarget).get('displayName') ?? ''));
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-name`}>{t.name}</label>
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
          {t.save}
        </button>
        {save.isSuccess ? (
          <p className="notice" role="status">
            {t.saved}
          </p>
        ) : null}
      </form>

      <YourData me={me} />

      <section className="assistants" aria-labelledby={`${id}-assistants`}>
        <h2 id={`${id}-assistants`}>{t.assistants}</h2>
        <p>{t.assistantsText}</p>
        <ul>
          <li>
            {t.serverAddress} {/* the configured public URL on the server, the address bar's in the browser */}
            <code suppressHydrationWarning>{`${publicOrigin()}/mcp`}</code>
          </li>
          <li>
            {t.connectWith} <code>yeet login</code>
            {t.connectCode} <code>yeet logout</code>.
          </li>
        </ul>
      </section>
    </section>
  );
}

/** A person's data exports, newest first. */
const dataExports = (transport: Transport, userId: string) =>
  queryOptions({
    queryKey: ['data-exports', userId],
    queryFn: async () => (await userClient(transport).listDataExports({ userId })).exports,
  });

/** Taking one's data away, and deleting the account (docs/decisions/0024-account-deletion.md). */
function YourData({ me }: { me: User }) {
  const { transport } = Route.useRouteContext();
  const id = useId();
  const keys = useIdempotencyKeys();
  const queryClient = useQueryClient();
  const signOut = useRef<HTMLFormElement>(null);
  const [confirmation, setConfirmation] = useState('');
  const [password, setPassword] = useState('');
  // The person's exports: while one is being prepared, asked again every 2 seconds.
  const exports = useQuery({
    ...dataExports(transport, me.id),
    refetchInterval: (query) => (query.state.data?.some((e) => e.state === DataExport_State.PREPARING) ? 2000 : false),
  });
  const request = useMutation({
    mutationFn: () => userClient(transport).requestDataExport({ userId: me.id }, keys.options('data-export', me.id)),
    onSuccess: () => {
      keys.done();
      return queryClient.invalidateQueries({ queryKey: ['data-exports', me.id] });
    },
  });
  const json = useMutation({
    mutationFn: () => userClient(transport).exportMyData({}),
    onSuccess: (res) => {
      // The document is built by the API while the person waits; the browser saves it as a file.
      const url = URL.createObjectURL(new Blob([res.documentJson], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = res.fileName;
      a.click();
      URL.revokeObjectURL(url);
    },
  });
  const remove = useMutation({
    mutationFn: (keepPublishedRecipes: boolean) =>
      userClient(transport).deleteMyAccount(
        { keepPublishedRecipes, password },
        keys.options('delete-account', String(keepPublishedRecipes)),
      ),
    // The account is gone: end this browser's session too.
    onSuccess: () => signOut.current?.submit(),
  });
  const latest = exports.data?.[0];
  const exportError = request.error ?? json.error;
  const downloadError = exportError ? describeError(exportError).message : null;
  const removeError = remove.error ? describeError(remove.error).message : null;
  const t = useMessages(messages);
  const { moment, number } = useFormats();
  /** An archive's size as people read it: "840 KB", "12.5 MB". */
  const archiveSize = (bytes: number) =>
    bytes < 1_000_000 ? `${Math.max(1, Math.round(bytes / 1000))} KB` : `${number(bytes / 1_000_000, 1)} MB`;
  return (
    <section aria-labelledby={`${id}-data`}>
      <h2 id={`${id}-data`}>{t.data}</h2>
      <p>{t.dataText}</p>
      <p role="status" aria-live="polite">
        {latest?.state === DataExport_State.PREPARING ? t.preparing : null}
        {latest?.state === DataExport_State.READY && latest.expireTime ? (
          <>
            {t.ready} <a href={latest.downloadUrl}>{t.download}</a>{' '}
            {t.expires({ size: archiveSize(Number(latest.byteSize)), when: moment(timestampDate(latest.expireTime)) })}
          </>
        ) : null}
        {latest?.state === DataExport_State.FAILED ? latest.error : null}
      </p>
      <button
        type="button"
        className="button"
        disabled={request.isPending || latest?.state === DataExport_State.PREPARING}
        onClick={() => request.mutate()}
      >
        {latest ? t.prepareNew : t.downloadMine}
      </button>{' '}
      <button type="button" className="button button--quiet" disabled={json.isPending} onClick={() => json.mutate()}>
        {t.justJson}
      </button>
      {downloadError ? (
        <p className="alert" role="alert">
          {downloadError}
        </p>
      ) : null}
      <h3 id={`${id}-delete`}>{t.deleteTitle}</h3>
      <p>{t.deleteText}</p>
      <ul>
        <li>{t.gone1}</li>
        <li>{t.gone2}</li>
        <li>{t.gone3}</li>
        <li>{t.gone4}</li>
      </ul>
      <p>{t.stays}</p>
      <form
        aria-labelledby={`${id}-delete`}
        onSubmit={(e) => {
          e.preventDefault();
          remove.mutate(new FormData(e.currentTarget).get('keep') === 'on');
        }}
      >
        <div className="field">
          <label>
            <input type="checkbox" name="keep" /> {t.keep}
          </label>
        </div>
        {me.passwordSignIn ? (
          <div className="field">
            <label htmlFor={`${id}-password`}>{t.password}</label>
            <input
              id={`${id}-password`}
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="current-password"
            />
          </div>
        ) : (
          <p>
            {t.otherProvider} <a href="/auth/login?reauth=1&amp;returnTo=%2Faccount">{t.signInAgain}</a> {t.otherProviderThen}
          </p>
        )}
        <div className="field">
          <label htmlFor={`${id}-confirm`}>{t.typeDelete}</label>
          <input
            id={`${id}-confirm`}
            value={confirmation}
            onChange={(e) => setConfirmation(e.target.value)}
            autoComplete="off"
            aria-describedby={removeError ? `${id}-delete-error` : undefined}
          />
        </div>
        <button
          type="submit"
          className="button button--danger"
          disabled={confirmation !== 'DELETE' || (me.passwordSignIn && !password) || remove.isPending}
        >
          {t.deleteTitle}
        </button>
        {removeError ? (
          <p className="field-error" id={`${id}-delete-error`} role="alert">
            {removeError}
          </p>
        ) : null}
      </form>
      <form ref={signOut} method="post" action="/auth/logout" hidden />
    </section>
  );
}
