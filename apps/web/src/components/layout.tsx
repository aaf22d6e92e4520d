import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';

export function SiteHeader() {
  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="site-header__inner">
        <Link to="/" className="brand" aria-label="Eat or Yeet, home">
          <span className="brand__mark" aria-hidden="true">
            🍳
          </span>
          <span className="brand__name">Eat or Yeet</span>
        </Link>
        <nav aria-label="Main">
          <ul className="nav-list">
            <li>
              <Link to="/" activeProps={{ 'aria-current': 'page' }} activeOptions={{ exact: true }}>
                Recipes
              </Link>
            </li>
          </ul>
        </nav>
      </div>
    </header>
  );
}

export function SiteFooter() {
  return (
    <footer className="site-footer">
      <p>Eat or Yeet — recipes worth cooking, reviewed by people who cook.</p>
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
