import { useRouterState } from '@tanstack/react-router';
import { maxServings, minServings } from '@yeet/domain/quantity';
import { scaledFrom } from '../lib/format';
import { isUnitChoice } from '../lib/units';

/**
 * Servings stepper. A GET form whose buttons carry the new count, so it scales the
 * ingredients without JavaScript too (?servings=6); with JavaScript `onChange` updates
 * the page in place.
 */
export function ServingsControl({ servings, base, onChange }: { servings: number; base: number; onChange: (n: number) => void }) {
  // the units chosen without JavaScript (?units=) stay as the servings change
  const units = useRouterState({ select: (s) => (s.location.search as Record<string, unknown>).units });
  const submit = (n: number) => (e: React.MouseEvent<HTMLButtonElement>) => {
    e.preventDefault();
    onChange(n);
  };
  return (
    <form method="get" className="servings" aria-label="Servings">
      <span className="servings__label" id="servings-label">
        Servings
      </span>
      {isUnitChoice(units) ? <input type="hidden" name="units" value={units} /> : null}
      <button
        type="submit"
        name="servings"
        value={servings - 1}
        className="servings__step"
        disabled={servings <= minServings}
        aria-label={`Fewer servings (${servings - 1})`}
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
        aria-label={`More servings (${servings + 1})`}
        onClick={submit(servings + 1)}
      >
        +
      </button>
      {servings !== base ? (
        <button type="submit" name="servings" value={base} className="link-button servings__reset" onClick={submit(base)}>
          Back to {base}
        </button>
      ) : null}
    </form>
  );
}

/** "Quantities scaled from 3 to 1 serving.", when they are. */
export function ScaledNote({ from, to }: { from: number; to: number }) {
  return from === to ? null : (
    <p className="ingredients__scaled" role="status">
      {scaledFrom(from, to)}
    </p>
  );
}
