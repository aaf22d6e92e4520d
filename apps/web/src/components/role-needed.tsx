import { Link } from '@tanstack/react-router';
import type { User } from '@yeet/contract';
import { highestRole, type Role, roleDuties, roleLabels } from '@yeet/domain/values';
import { rolesOf } from '../lib/roles';

const article = (word: string) => (/^[aeiou]/i.test(word) ? 'an' : 'a');

/**
 * What a signed-in person sees on a page their role does not reach (the review queue for a
 * member): what the page is for, the role it needs and how to get it — a silent trip home
 * left them wondering what they did wrong. Served with 403 by the route.
 */
export function RoleNeeded({ me, needs: role, page }: { me: User; needs: Role; page: string }) {
  const held = roleLabels[highestRole(rolesOf(me))];
  const needed = roleLabels[role].toLowerCase();
  return (
    <section className="status-page" aria-labelledby="role-needed-title">
      {/* each sentence one string: one text node, as search engines and tests read it */}
      <h1 id="role-needed-title">{`${page} is for ${needed}s`}</h1>
      <p>
        {`${article(needed) === 'an' ? 'An' : 'A'} ${needed} ${roleDuties[role]}. You are signed in as ${me.displayName}, ${article(held)} ${held.toLowerCase()}. An admin can give you the ${needed} role on the Users page.`}
      </p>
      <p className="notice__actions">
        <Link to="/" className="button">
          Browse recipes
        </Link>
        <Link to="/account" className="button button--quiet">
          Your account
        </Link>
      </p>
    </section>
  );
}
