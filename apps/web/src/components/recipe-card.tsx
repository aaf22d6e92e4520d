import { Link } from '@tanstack/react-router';
import type { Recipe } from '@yeet/contract';
import { formatMinutes } from '../lib/format';
import { difficultyLabel } from '../lib/labels';
import { RecipeCover } from './cover';
import { Stars } from './rating';

export function RecipeCard({ recipe }: { recipe: Recipe }) {
  return (
    <article className="card">
      <RecipeCover
        recipe={recipe}
        alt=""
        sizes="(min-width: 72rem) 17rem, (min-width: 40rem) 45vw, 100vw"
        className="card__cover"
      />
      <div className="card__body">
        <h3 className="card__title">
          <Link to="/r/$slug" params={{ slug: recipe.slug }} className="card__link">
            {recipe.title}
          </Link>
        </h3>
        <p className="card__summary">{recipe.summary}</p>
        <ul className="card__meta" aria-label="At a glance">
          <li>
            <span className="visually-hidden">Total time: </span>
            <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" className="icon">
              <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
              <path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
            </svg>{' '}
            {formatMinutes(recipe.totalMinutes)}
          </li>
          {recipe.difficulty ? <li>{difficultyLabel(recipe.difficulty)}</li> : null}
          <li>
            <Stars average={recipe.rating?.average ?? 0} count={recipe.rating?.count ?? 0} size="sm" />
          </li>
        </ul>
      </div>
    </article>
  );
}

export function RecipeGrid({ recipes, label }: { recipes: Recipe[]; label: string }) {
  if (recipes.length === 0) return <p className="empty">No recipes here yet.</p>;
  return (
    <ul className="grid" aria-label={label}>
      {recipes.map((r) => (
        <li key={r.id}>
          <RecipeCard recipe={r} />
        </li>
      ))}
    </ul>
  );
}
