import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { roleValues, type User } from '@yeet/contract';
import { highestRole, roleDuties, roleLabels, roles, type Role } from '@yeet/domain/values';
import { defineMessages, messagesIn, params, useMessages } from '../lib/i18n';
import { useState } from 'react';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { requireUser } from '../lib/auth';
import { describeError } from '../lib/errors';
import { rolesOf } from '../lib/roles';
import { onLoadError } from '../lib/status';
import { useIdempotencyKeys } from '../lib/idempotency';
import { userClient } from '../lib/rpc';

const messages = defineMessages('adminUsers', {
  title: 'People and roles — Eat or Yeet',
  heading: 'People and roles',
  lead: 'Roles add up: an editor can also write recipes, an admin can do everything.',
  find: 'Find by name or email',
  caption: 'People and their roles',
  name: 'Name',
  email: 'Email',
  role: 'Role',
  delete: 'Delete',
  roleOf: params('Role of {name}'),
  confirm: params(
    'Delete the account of {name}? Their name, email, sign-in, drafts, ratings and reviews are deleted at once; their published recipes stay, shown as by “a former member”. This cannot be undone.',
  ),
  deleteAccount: 'Delete account',
  of: params(' of {name}'),
});
const roleNames = defineMessages('roleName', roleLabels);
const duties = defineMessages('roleDuty', roleDuties);

export const Route = createFileRoute('/admin/users')({
  beforeLoad: ({ context, location }) => requireUser(context, location, 'admin'),
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: ({ match }) => ({ meta: [{ title: messagesIn(messages, match.context.locale).title }] }),
  component: Users,
});

function Users() {
  const { transport } = Route.useRouteContext();
  const [query, setQuery] = useState('');
  const t = useMessages(messages);
  const client = userClient(transport);
  const users = useQuery({ queryKey: ['users', query], queryFn: () => client.listUsers({ query, pageSize: 100 }) });
  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">{t.heading}</h1>
      <p className="lead">{t.lead}</p>
      <div className="field narrow">
        <label htmlFor="user-search">{t.find}</label>
        <input id="user-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
      </div>
      {users.error ? (
        <p className="alert" role="alert">
          {describeError(users.error).message}
        </p>
      ) : null}
      <table className="table">
        <caption className="visually-hidden">{t.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.name}</th>
            <th scope="col">{t.email}</th>
            <th scope="col">{t.role}</th>
            <th scope="col">
              <span className="visually-hidden">{t.delete}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(users.data?.users ?? []).map((u) => (
            <UserRow key={u.id} user={u} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function UserRow({ user }: { user: User }) {
  const { transport } = Route.useRouteContext();
  const queryClient = useQueryClient();
  const keys = useIdempotencyKeys();
  const t = useMessages(messages);
  const roleName = useMessages(roleNames);
  const duty = useMessages(duties);
  const set = useMutation({
    mutationFn: (role: Role) =>
      userClient(transport).setUserRoles({ userId: user.id, roles: [roleValues.toProto(role)] }, keys.options('roles', role)),
    onSuccess: () => {
      keys.done();
      return queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });
  const remove = useMutation({
    mutationFn: () =>
      userClient(transport).deleteUser({ userId: user.id, keepPublishedRecipes: true }, keys.options('delete-user', user.id)),
    onSuccess: () => {
      keys.done();
      return queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });
  const top = highestRole(rolesOf(user));
  const selectId = `role-${user.id}`;
  return (
    <tr>
      <td>{user.displayName}</td>
      <td>{user.email || '—'}</td>
      <td>
        <label htmlFor={selectId} className="visually-hidden">
          {t.roleOf({ name: user.displayName })}
        </label>
        <select
          id={selectId}
          value={top}
          disabled={set.isPending || user.rolesFromIssuer}
          onChange={(e) => set.mutate(e.target.value as Role)}
        >
          {roles.map((r) => (
            <option key={r} value={r}>
              {roleName[r]} — {duty[r]}
            </option>
          ))}
        </select>
        {set.error ? (
          <p className="field-error" role="alert">
            {describeError(set.error).message}
          </p>
        ) : null}
      </td>
      <td>
        <button
          type="button"
          className="link-button"
          disabled={remove.isPending}
          onClick={() => {
            // What happens, said before it does (docs/decisions/0024-account-deletion.md).
            const sure = window.confirm(t.confirm({ name: user.displayName }));
            if (sure) remove.mutate();
          }}
        >
          {t.deleteAccount}
          <span className="visually-hidden">{t.of({ name: user.displayName })}</span>
        </button>
        {remove.error ? (
          <p className="field-error" role="alert">
            {describeError(remove.error).message}
          </p>
        ) : null}
      </td>
    </tr>
  );
}
