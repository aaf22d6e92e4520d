import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import { Link } from '@tanstack/react-router';
import type { Recipe } from '@yeet/contract';
import type { ReactNode } from 'react';
import { useFormats } from '../lib/format';
import { RecipeCover } from './cover';
import { StatusBadge } from './status-badge';

/** A date as people read it, with the exact moment for machines and on hover. */
export function When({ label, time }: { label: string; time: Timestamp | undefined }) {
  const { day, moment } = useFormats();
  if (!time) return null;
  const date = timestampDate(time);
  return (
    <time className="muted" dateTime={date.toISOString()} title={moment(date)}>
      {label} {day(date)}
    </time>
  );
}

/**
 * One recipe in a working list (my recipes, the review queue, a history's head): its
 * thumbnail, title, status and dates like a card, and below them whatever the list adds (an
 * editor's note, a summary).
 */
export function RecipeRow({
  recipe,
  meta,
  children,
}: {
  recipe: Recipe;
  /** Extra facts on the meta line (who wrote it, since when). */
  meta?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <article className="row">
      {/* every size the image has: the browser takes the smallest that fills 6rem */}
      <RecipeCover recipe={recipe} alt="" sizes="6rem" className="row__thumb" />
      <div className="row__body">
        <h2 className="row__title">
          <Link to="/r/$slug" params={{ slug: recipe.slug }}>
            {recipe.title}
          </Link>
        </h2>
        <p className="row__meta">
          <StatusBadge status={recipe.status} />
          {meta}
        </p>
        {children}
      </div>
    </article>
  );
}
