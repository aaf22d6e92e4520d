import type { CSSProperties } from 'react';
import { formatRating } from '../lib/format';

/**
 * Five stars filled to the average; the text alternative carries the numbers. The stars are
 * drawn by CSS (app.css): a page of cards draws dozens of them.
 */
export function Stars({
  average,
  count,
  size = 'md',
  label: given,
}: {
  average: number;
  count: number;
  size?: 'sm' | 'md';
  label?: string;
}) {
  const label = given ?? formatRating(average, count);
  return (
    <span className={`stars stars--${size}`} role="img" aria-label={label}>
      <span
        className="stars__track"
        aria-hidden="true"
        style={{ '--fill': `${Math.round((average / 5) * 1000) / 10}%` } as CSSProperties}
      />
      {count > 0 && (
        <span className="stars__count" aria-hidden="true">
          {`${average.toFixed(1)} (${count})`}
        </span>
      )}
    </span>
  );
}
