import { Link } from '@tanstack/react-router';
import type { User } from '@yeet/contract';
import { highestRole, type Role } from '@yeet/domain/values';
import { defineMessages, params, useMessages } from '../lib/i18n';
import { rolesOf } from '../lib/roles';

const messages = defineMessages('roleNeeded', {
  writing: 'Writing recipes',
  editing: 'Editing recipes',
  review: 'The review queue',
  for_user: params('{page} is for members'),
  for_author: params('{page} is for authors'),
  for_editor: params('{page} is for editors'),
  for_admin: params('{page} is for admins'),
  does_user: 'A member rates and reviews.',
  does_author: 'An author writes recipes.',
  does_editor: 'An editor reviews and publishes.',
  does_admin: 'An admin manages people.',
  held_user: params('You are signed in as {name}, a member.'),
  held_author: params('You are signed in as {name}, an author.'),
  held_editor: params('You are signed in as {name}, an editor.'),
  held_admin: params('You are signed in as {name}, an admin.'),
  grant_user: 'An admin can give you the member role on the Users page.',
  grant_author: 'An admin can give you the author role on the Users page.',
  grant_editor: 'An admin can give you the editor role on the Users page.',
  grant_admin: 'An admin can give you the admin role on the Users page.',
  browse: 'Browse recipes',
  account: 'Your account',
});

/**
 * What a signed-in person sees on a page their role does not reach (the review queue for a
 * member): what the page is for, the role it needs and how to get it — a silent trip home
 * left them wondering what they did wrong. Served with 403 by the route.
 */
export function RoleNeeded({ me, needs: role, page }: { me: User; needs: Role; page: 'writing' | 'editing' | 'review' }) {
  const t = useMessages(messages);
  const held = highestRole(rolesOf(me));
  return (
    <section className="status-page" aria-labelledby="role-needed-title">
      {/* each sentence one string: one text node, as search engines and tests read it */}
      <h1 id="role-needed-title">{t[`for_${role}`]({ page: t[page] })}</h1>
      <p>{`${t[`does_${role}`]} ${t[`held_${held}`]({ name: me.displayName })} ${t[`grant_${role}`]}`}</p>
      <p className="notice__actions">
        <Link to="/" className="button">
          {t.browse}
        </Link>
        <Link to="/account" className="button button--quiet">
          {t.account}
        </Link>
      </p>
    </section>
  );
}
