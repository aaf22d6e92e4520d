import { formatRating } from '../lib/format';

/** Five stars filled to the average; the text alternative carries the numbers. */
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
    <span className={`stars stars--${size}`} role="img" aria-label={label} title={label}>
      <span className="stars__track" aria-hidden="true">
        ★★★★★
        <span className="stars__fill" style={{ width: `${(average / 5) * 100}%` }}>
          ★★★★★
        </span>
      </span>
      {count > 0 && (
        <span className="stars__count" aria-hidden="true">
          {average.toFixed(1)} ({count})
        </span>
      )}
    </span>
  );
}
