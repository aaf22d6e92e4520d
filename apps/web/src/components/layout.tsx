import { Link, useRouterState } from '@tanstack/react-router';
import type { User } from '@yeet/contract';
import { type KeyboardEvent, type ReactNode, useEffect, useRef } from 'react';
import { defineMessages, useLocale, useMessages } from '../lib/i18n';
import { can } from '../lib/roles';

const messages = defineMessages('layout', {
  skip: 'Skip to content',
  home: 'Eat or Yeet, home',
  main: 'Main',
  menu: 'Menu',
  recipes: 'Recipes',
  search: 'Search',
  newRecipe: 'New recipe',
  myRecipes: 'My recipes',
  review: 'Review',
  users: 'Users',
  audit: 'Audit log',
  mealPlan: 'Meal plan',
  collections: 'Collections',
  shoppingList: 'Shopping list',
  accountOf: 'Account: ',
  account: 'Account',
  signOut: 'Sign out',
  signIn: 'Sign in',
  createAccount: 'Create account',
  tagline: 'Eat or Yeet — recipes worth cooking, reviewed by people who cook.',
  language: 'Language',
});

/** Each language by its own name, in its own language (read so by screen readers too). */
const languageNames = { en: 'English', de: 'Deutsch' } as const;

/**
 * `me` undefined: a signed-in person not known yet (a page shared by every signed-in reader,
 * apps/server/src/web.ts): the links of an author (what everyone is on signing up) hold their
 * place, with no "Sign in" shown to someone who is.
 */
export function SiteHeader({ me }: { me: User | null | undefined }) {
  const here = useRouterState({ select: (s) => s.location.href });
  const returnTo = encodeURIComponent(here);
  const t = useMessages(messages);
  // The menu folds away once a link in it has been followed (not when the page hydrates:
  // someone may have opened it already).
  const menu = useRef<HTMLDetailsElement>(null);
  const shown = useRef(here);
  useEffect(() => {
    if (shown.current === here) return;
    shown.current = here;
    if (menu.current) menu.current.open = false;
  }, [here]);
  const closeOnEscape = (e: KeyboardEvent<HTMLDetailsElement>) => {
    if (e.key !== 'Escape' || !e.currentTarget.open) return;
    e.currentTarget.open = false;
    e.currentTarget.querySelector('summary')?.focus();
  };
  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        {t.skip}
      </a>
      <div className="site-header__inner">
        <Link to="/" className="brand" aria-label={t.home}>
          <svg className="brand__mark" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true">
            <circle cx="10" cy="13" r="8" fill="currentColor" />
            <circle cx="10" cy="13" r="3.5" fill="#fde68a" />
            <rect x="16" y="3" width="3" height="10" rx="1.5" fill="currentColor" transform="rotate(35 17.5 8)" />
          </svg>
          <span className="brand__name">Eat or Yeet</span>
        </Link>
        <nav aria-label={t.main}>
          {/* A native disclosure: folded behind "Menu" on a phone (it opens without JavaScript,
              from the keyboard too); unfolded in the header on wider screens by CSS alone
              (app.css), so the server's page is the hydrated one. */}
          <details className="site-menu" ref={menu} onKeyDown={closeOnEscape}>
            <summary className="site-menu__toggle">
              <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">
                <path d="M3 5h14M3 10h14M3 15h14" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
              </svg>
              {t.menu}
            </summary>
            <ul className="nav-list">
              <li>
                <Link to="/" activeProps={{ 'aria-current': 'page' }} activeOptions={{ exact: true }}>
                  {t.recipes}
                </Link>
              </li>
              <li>
                <Link to="/search" activeProps={{ 'aria-current': 'page' }}>
                  {t.search}
                </Link>
              </li>
              {me !== null ? (
                <>
                  {me === undefined || can(me, 'author') ? (
                    <>
                      <li>
                        <Link to="/new" activeProps={{ 'aria-current': 'page' }}>
                          {t.newRecipe}
                        </Link>
                      </li>
                      <li>
                        <Link to="/me/recipes" activeProps={{ 'aria-current': 'page' }}>
                          {t.myRecipes}
                        </Link>
                      </li>
                    </>
                  ) : null}
                  {me && can(me, 'editor') ? (
                    <li>
                      <Link to="/review" activeProps={{ 'aria-current': 'page' }}>
                        {t.review}
                      </Link>
                    </li>
                  ) : null}
                  {me && can(me, 'admin') ? (
                    <li>
                      <Link to="/admin/users" activeProps={{ 'aria-current': 'page' }}>
                        {t.users}
                      </Link>
                    </li>
                  ) : null}
                  {me && can(me, 'admin') ? (
                    <li>
                      <Link to="/admin/audit" activeProps={{ 'aria-current': 'page' }}>
                        {t.audit}
                      </Link>
                    </li>
                  ) : null}
                  <li>
                    <Link to="/meal-plan" activeProps={{ 'aria-current': 'page' }}>
                      {t.mealPlan}
                    </Link>
                  </li>
                  <li>
                    <Link to="/me/collections" activeProps={{ 'aria-current': 'page' }}>
                      {t.collections}
                    </Link>
                  </li>
                  <li>
                    <Link to="/shopping-list" activeProps={{ 'aria-current': 'page' }}>
                      {t.shoppingList}
                    </Link>
                  </li>
                  <li>
                    <Link
                      to="/account"
                      activeProps={{ 'aria-current': 'page' }}
                      className="site-menu__account"
                      title={me?.displayName}
                    >
                      {me ? (
                        <>
                          <span className="visually-hidden">{t.accountOf}</span>
                          {me.displayName}
                        </>
                      ) : (
                        t.account
                      )}
                    </Link>
                  </li>
                  <li>
                    <form method="post" action="/auth/logout" className="inline-form">
                      <button type="submit" className="link-button">
                        {t.signOut}
                      </button>
                    </form>
                  </li>
                </>
              ) : (
                <>
                  <li>
                    <a href={`/auth/login?returnTo=${returnTo}`}>{t.signIn}</a>
                  </li>
                  <li>
                    <a className="button button--small" href={`/auth/login?signup=1&returnTo=${returnTo}`}>
                      {t.createAccount}
                    </a>
                  </li>
                </>
              )}
            </ul>
          </details>
        </nav>
      </div>
    </header>
  );
}

export function SiteFooter() {
  const t = useMessages(messages);
  const locale = useLocale();
  const here = useRouterState({ select: (s) => s.location.href });
  return (
    <footer className="site-footer">
      <p>{t.tagline}</p>
      {/* The language switch: a plain form (works without JavaScript) that keeps the choice
          in a cookie and reloads this page in the other language (routes/lang.ts). */}
      <form method="post" action="/lang" className="language-switch" aria-label={t.language}>
        <input type="hidden" name="returnTo" value={here} />
        {(Object.keys(languageNames) as Array<keyof typeof languageNames>).map((code) =>
          code === locale ? (
            <span key={code} lang={code} aria-current="true" className="language-switch__current">
              {languageNames[code]}
            </span>
          ) : (
            <button key={code} type="submit" name="locale" value={code} lang={code} className="link-button">
              {languageNames[code]}
            </button>
          ),
        )}
      </form>
    </footer>
  );
}

export function Page({ children }: { children: ReactNode }) {
  return (
    <main id="main" className="page" tabIndex={-1}>
      {children}
    </main>
  );
}
