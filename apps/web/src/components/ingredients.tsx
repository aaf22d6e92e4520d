import { useRouterState } from '@tanstack/react-router';
import type { Recipe } from '@yeet/contract';
import { parseServings } from '@yeet/domain/quantity';
import { displayAmount, recipeUnitSystem } from '@yeet/domain/units';
import { defineMessages, useLocale, useMessages } from '../lib/i18n';
import { chooseUnits, type UnitChoice, useUnitChoice } from '../lib/units';

const messages = defineMessages('units', {
  units: 'Units',
  written: 'As written',
  metric: 'Metric',
  imperial: 'US',
});
const choices: readonly UnitChoice[] = ['written', 'metric', 'imperial'];

/**
 * A recipe's ingredients scaled by `factor`, in the units the reader chose: as the recipe
 * writes them, metric (g, ml) or US (oz, lb, cups); amounts move to the unit a cook would use
 * (1067 g → 1.07 kg, 8 tbsp → ½ cup).
 */
export function IngredientList({ recipe, factor }: { recipe: Recipe; factor: number }) {
  const search = useRouterState({ select: (s) => s.location.search as Record<string, unknown> });
  const choice = useUnitChoice(search.units);
  const sections = recipe.ingredientSections;
  const locale = useLocale();
  const written = recipeUnitSystem(sections.flatMap((s) => s.ingredients.map((i) => i.unit)));
  const system = choice === 'written' ? written : choice;
  return (
    <>
      <UnitsControl choice={choice} servings={search.servings} />
      {sections.map((section, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: sections have no id; the page shows them in their order and never reorders them
        <div key={i} className="ingredients__section">
          {section.name ? <h3>{section.name}</h3> : null}
          <ul>
            {section.ingredients.map((ing, j) => {
              const { quantity, unit } = displayAmount(ing, factor, system, choice !== 'written', locale);
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: as the sections: an ingredient is its line
                <li key={j}>
                  {quantity !== null ? <strong className="ingredients__amount">{quantity}</strong> : null}
                  {unit ? ` ${unit}` : ''} {ing.item}
                  {ing.note ? <span className="ingredients__note">, {ing.note}</span> : null}
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </>
  );
}

/**
 * A GET form, like the servings stepper: without JavaScript it reloads the page with ?units=
 * (keeping ?servings=); with it, the choice is kept in this browser for every recipe.
 */
function UnitsControl({ choice, servings: asked }: { choice: UnitChoice; servings: unknown }) {
  const servings = parseServings(asked, 0) || undefined;
  const t = useMessages(messages);
  return (
    <form method="get" className="servings units" aria-label={t.units}>
      <span className="servings__label">{t.units}</span>
      {servings !== undefined ? <input type="hidden" name="servings" value={String(servings)} /> : null}
      {choices.map((value) => (
        <button
          key={value}
          type="submit"
          name="units"
          value={value}
          className="link-button"
          aria-pressed={choice === value}
          onClick={(e) => {
            e.preventDefault();
            chooseUnits(value);
          }}
        >
          {t[value]}
        </button>
      ))}
    </form>
  );
}
