import { Link, type ErrorComponentProps } from '@tanstack/react-router';
import { isUnavailable } from '../lib/api';
import { defineMessages, useMessages } from '../lib/i18n';

const messages = defineMessages('pages', {
  closed: 'The kitchen is closed for a moment',
  wrong: 'Something went wrong',
  closedText:
    'We could not reach the recipe service just now. Your page will work again as soon as it is back — try again in a few seconds.',
  wrongText: 'This page could not be shown. Try again, or go back to the recipes.',
  tryAgain: 'Try again',
  allRecipes: 'All recipes',
  notFound: 'We could not find that page',
  notFoundText: 'It may have been moved, unpublished, or never existed. The recipes are still here:',
  browse: 'Browse recipes',
});

/** Shown when a page's data could not be loaded; the layout and navigation stay. */
export function ErrorPage({ error, reset }: ErrorComponentProps) {
  const unavailable = isUnavailable(error);
  const t = useMessages(messages);
  return (
    <section className="status-page" role="alert" aria-labelledby="error-title">
      <h1 id="error-title">{unavailable ? t.closed : t.wrong}</h1>
      <p>{unavailable ? t.closedText : t.wrongText}</p>
      <p className="notice__actions">
        <button type="button" className="button" onClick={() => reset()}>
          {t.tryAgain}
        </button>
        <Link to="/" className="button button--quiet">
          {t.allRecipes}
        </Link>
      </p>
    </section>
  );
}

export function NotFoundPage() {
  const t = useMessages(messages);
  return (
    <section className="status-page" aria-labelledby="not-found-title">
      <h1 id="not-found-title">{t.notFound}</h1>
      <p>{t.notFoundText}</p>
      <p className="notice__actions">
        <Link to="/" className="button">
          {t.browse}
        </Link>
      </p>
    </section>
  );
}
