import { Link } from '@tanstack/react-router';
import { useSavedSlugs } from '../lib/collections';
import { formatMinutes } from '../lib/format';
import { defineMessages, useMessages } from '../lib/i18n';
import { useLabels } from '../lib/labels';
import type { RecipeSummary } from '../lib/recipe-lists';
import { RecipeCover } from './cover';
import { Stars } from './rating';

const messages = defineMessages('recipeCard', {
  atAGlance: 'At a glance',
  totalTime: 'Total time: ',
  saved: 'Saved',
  empty: 'No recipes here yet.',
});

/** `saved`: in one of the signed-in person's collections (never set on visitors' pages). */
export function RecipeCard({ recipe, saved = false }: { recipe: RecipeSummary; saved?: boolean }) {
  const t = useMessages(messages);
  const { difficulty } = useLabels();
  return (
    <article className="card">
      <RecipeCover recipe={recipe} alt="" className="card__cover" />
      <div className="card__body">
        <h3 className="card__title">
          <Link to="/r/$slug" params={{ slug: recipe.slug }} className="card__link">
            {recipe.title}
          </Link>
        </h3>
        <p className="card__summary">{recipe.summary}</p>
        <ul className="card__meta" aria-label={t.atAGlance}>
          <li>
            <span className="visually-hidden">{t.totalTime}</span>
            <svg width="14" height="14" aria-hidden="true" className="icon">
              <use href="#icon-clock" />
            </svg>{' '}
            {formatMinutes(recipe.totalMinutes)}
          </li>
          {recipe.difficulty ? <li>{difficulty(recipe.difficulty)}</li> : null}
          <li>
            <Stars average={recipe.rating.average} count={recipe.rating.count} size="sm" />
          </li>
          {saved ? (
            <li className="card__saved">
              <span aria-hidden="true">♥</span> {t.saved}
            </li>
          ) : null}
        </ul>
      </div>
    </article>
  );
}

/**
 * Icons drawn many times on a page (a clock on every card), defined once: each use is a
 * short reference instead of the whole drawing. Rendered once by the page shell.
 */
export function IconSprites() {
  return (
    <svg width="0" height="0" aria-hidden="true" className="sprites">
      <symbol id="icon-clock" viewBox="0 0 16 16">
        <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
        <path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
      </symbol>
    </svg>
  );
}

export function RecipeGrid({ recipes, label }: { recipes: RecipeSummary[]; label: string }) {
  const saved = useSavedSlugs();
  const t = useMessages(messages);
  if (recipes.length === 0) return <p className="empty">{t.empty}</p>;
  return (
    <ul className="grid" aria-label={label}>
      {recipes.map((r) => (
        <li key={r.slug}>
          <RecipeCard recipe={r} saved={saved.has(r.slug)} />
        </li>
      ))}
    </ul>
  );
}
