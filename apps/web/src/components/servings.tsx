import { useRouterState } from '@tanstack/react-router';
import { maxServings, minServings } from '@yeet/domain/quantity';
import { count, defineMessages, params, useMessages } from '../lib/i18n';
import { isUnitChoice } from '../lib/units';

const messages = defineMessages('servings', {
  servings: 'Servings',
  fewer: params('Fewer servings ({n})'),
  more: params('More servings ({n})'),
  backTo: params('Back to {n}'),
  scaled: params('Quantities scaled from {from} to {to}.'),
  to: count({ one: '{count} serving', other: '{count} servings' }),
});

/**
 * Servings stepper. A GET form whose buttons carry the new count, so it scales the
 * ingredients without JavaScript too (?servings=6); with JavaScript `onChange` updates
 * the page in place.
 */
export function ServingsControl({ servings, base, onChange }: { servings: number; base: number; onChange: (n: number) => void }) {
  // the units chosen without JavaScript (?units=) stay as the servings change
  const t = useMessages(messages);
  const units = useRouterState({ select: (s) => (s.location.search as Record<string, unknown>).units });
  const submit = (n: number) => (e: React.MouseEvent<HTMLButtonElement>) => {
    e.preventDefault();
    onChange(n);
  };
  return (
    <form method="get" className="servings" aria-label={t.servings}>
      <span className="servings__label" id="servings-label">
        {t.servings}
      </span>
      {isUnitChoice(units) ? <input type="hidden" name="units" value={units} /> : null}
      <button
        type="submit"
        name="servings"
        value={servings - 1}
        className="servings__step"
        disabled={servings <= minServings}
        aria-label={t.fewer({ n: servings - 1 })}
        onClick={submit(servings - 1)}
      >
        −
      </button>
      <output className="servings__value" aria-live="polite" aria-labelledby="servings-label">
        {servings}
      </output>
      <button
        type="submit"
        name="servings"
        value={servings + 1}
        className="servings__step"
        disabled={servings >= maxServings}
        aria-label={t.more({ n: servings + 1 })}
        onClick={submit(servings + 1)}
      >
        +
      </button>
      {servings !== base ? (
        <button type="submit" name="servings" value={base} className="link-button servings__reset" onClick={submit(base)}>
          {t.backTo({ n: base })}
        </button>
      ) : null}
    </form>
  );
}

/** "Quantities scaled from 3 to 1 serving.", when they are. */
export function ScaledNote({ from, to }: { from: number; to: number }) {
  const t = useMessages(messages);
  return from === to ? null : (
    <p className="ingredients__scaled" role="status">
      {t.scaled({ from, to: t.to(to) })}
    </p>
  );
}
