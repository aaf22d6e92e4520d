import type { CSSProperties } from 'react';
import { useFormats } from '../lib/format';
import { count, defineMessages, params, useMessages } from '../lib/i18n';

const messages = defineMessages('rating', {
  none: 'No ratings yet',
  average: params('{average} out of 5 ({ratings})'),
  ratings: count({ one: '{count} rating', other: '{count} ratings' }),
});

/**
 * Five stars filled to the average; the text alternative carries the numbers. The stars are
 * drawn by CSS (app.css): a page of cards draws dozens of them. A recipe nobody has rated
 * says so in words: five empty stars would read as a rating of none.
 */
export function Stars({
  average,
  count: ratings,
  size = 'md',
  label: given,
}: {
  average: number;
  count: number;
  size?: 'sm' | 'md';
  label?: string;
}) {
  const t = useMessages(messages);
  const { number } = useFormats();
  if (ratings === 0 && given === undefined) return <span className={`stars stars--${size} stars--none`}>{t.none}</span>;
  const label = given ?? t.average({ average: number(average, 1), ratings: t.ratings(ratings) });
  return (
    <span className={`stars stars--${size}`} role="img" aria-label={label}>
      <span
        className="stars__track"
        aria-hidden="true"
        style={{ '--fill': `${Math.round((average / 5) * 1000) / 10}%` } as CSSProperties}
      />
      {ratings > 0 && (
        <span className="stars__count" aria-hidden="true">
          {`${number(average, 1)} (${ratings})`}
        </span>
      )}
    </span>
  );
}
