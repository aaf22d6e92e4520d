import { Link, type ErrorComponentProps } from '@tanstack/react-router';
import { isUnavailable } from '../lib/api';

/** Shown when a page's data could not be loaded; the layout and navigation stay. */
export function ErrorPage({ error, reset }: ErrorComponentProps) {
  const unavailable = isUnavailable(error);
  return (
    <section className="status-page" role="alert" aria-labelledby="error-title">
      <h1 id="error-title">{unavailable ? 'The kitchen is closed for a moment' : 'Something went wrong'}</h1>
      <p>
        {unavailable
          ? 'We could not reach the recipe service just now. Your page will work again as soon as it is back — try again in a few seconds.'
          : 'This page could not be shown. Try again, or go back to the recipes.'}
      </p>
      <p className="notice__actions">
        <button type="button" className="button" onClick={() => reset()}>
          Try again
        </button>
        <Link to="/" className="button button--quiet">
          All recipes
        </Link>
      </p>
    </section>
  );
}

export function NotFoundPage() {
  return (
    <section className="status-page" aria-labelledby="not-found-title">
      <h1 id="not-found-title">We could not find that page</h1>
      <p>It may have been moved, unpublished, or never existed. The recipes are still here:</p>
      <p className="notice__actions">
        <Link to="/" className="button">
          Browse recipes
        </Link>
      </p>
    </section>
  );
}
