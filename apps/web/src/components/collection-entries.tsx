import { Link } from '@tanstack/react-router';
import type { CollectionEntry } from '@yeet/contract';
import type { ReactNode } from 'react';
import { defineMessages, useMessages } from '../lib/i18n';
import { toSummary } from '../lib/recipe-lists';
import { RecipeCard } from './recipe-card';
import { StatusBadge } from './status-badge';

const messages = defineMessages('collectionEntries', {
  empty: 'No recipes here yet.',
  unavailable: 'Unavailable',
  yoursUnpublished: 'Your recipe is not published: only you see it here.',
  gone: 'This recipe is no longer published.',
});

/**
 * A collection's recipes as cards. A recipe that is no longer published keeps its place as
 * "unavailable": its author sees which of theirs it is; anyone else sees nothing of it.
 */
export function CollectionEntries({
  entries,
  label,
  action,
}: {
  entries: CollectionEntry[];
  label: string;
  /** A control per entry (the owner's "Remove"). */
  action?: (entry: CollectionEntry) => ReactNode;
}) {
  const t = useMessages(messages);
  if (entries.length === 0) return <p className="empty">{t.empty}</p>;
  return (
    <ul className="grid" aria-label={label}>
      {entries.map((e, i) => (
        // unavailable entries of a shared collection carry no id: their place is their key
        <li key={e.recipeId || `unavailable-${i}`} className="collection__entry">
          {e.available && e.recipe ? (
            <RecipeCard recipe={toSummary(e.recipe)} />
          ) : (
            <article className="card card--unavailable">
              <div className="card__body">
                <h3 className="card__title">
                  {e.recipe ? (
                    <Link to="/r/$slug" params={{ slug: e.recipe.slug }} className="card__link">
                      {e.recipe.title}
                    </Link>
                  ) : (
                    t.unavailable
                  )}
                </h3>
                <p className="card__summary">
                  {e.recipe ? (
                    <>
                      {t.yoursUnpublished} <StatusBadge status={e.recipe.status} />
                    </>
                  ) : (
                    t.gone
                  )}
                </p>
              </div>
            </article>
          )}
          {action ? action(e) : null}
        </li>
      ))}
    </ul>
  );
}
