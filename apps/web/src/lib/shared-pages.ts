import type { User } from '@yeet/contract';
import { can } from './roles';

const cookieName = 'yeet_js';

/**
 * Writes the cookie by which the server answers this browser's public pages (home, search, a
 * recipe; apps/server/src/web.ts, docs/decisions/0033): `1`, this browser runs the app, so the
 * page shared by every signed-in reader will do, the person's parts asked for once it has
 * loaded; `own`, rendered for the person — editors and admins, whose recipe pages carry
 * actions that would push the page down as they came in. No cookie (no JavaScript): rendered
 * for the person. Only a choice between two correct answers: a stale value costs a layout
 * shift or a render, never someone else's data.
 */
export function rememberPageKind(me: User | null | undefined): void {
  const current = new RegExp(`(?:^|;\\s*)${cookieName}=([^;]*)`).exec(document.cookie)?.[1];
  // not known (yet), or signed out: what the last person known here needed, else shared pages
  const wanted = me ? (can(me, 'editor') ? 'own' : '1') : (current ?? '1');
  if (current === wanted) return;
  // biome-ignore lint/suspicious/noDocumentCookie: one short value; the Cookie Store API is not in every browser served
  document.cookie = `${cookieName}=${wanted}; path=/; max-age=31536000; samesite=lax${location.protocol === 'https:' ? '; secure' : ''}`;
}
