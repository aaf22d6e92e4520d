import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { mealSlotValues, type Recipe, type User } from '@yeet/contract';
import { addDays, mealPlanLimits, today } from '@yeet/domain/meal-plan';
import { mealSlotLabels, mealSlots, type MealSlot } from '@yeet/domain/values';
import { count, defineMessages, params, useLocale, useMessages } from '../lib/i18n';
import { useId, useState } from 'react';
import { describeError } from '../lib/errors';
import { useIdempotencyKeys } from '../lib/idempotency';
import { dayLabel, mealPlanClient, mealPlanKey } from '../lib/meal-plan';
import { useTransport } from '../lib/transport';

const messages = defineMessages('planThis', {
  plan: 'Plan this',
  planRecipe: 'Plan this recipe',
  day: 'Day',
  meal: 'Meal',
  planFor: count({ one: 'Plan for {count} serving', other: 'Plan for {count} servings' }),
  planned: params('Planned for {day}.'),
  seePlan: 'See your meal plan',
});
const slots = defineMessages('mealSlot', mealSlotLabels);

/**
 * "Plan this": puts the recipe in a day's slot of the meal plan, for signed-in people only —
 * visitors' pages (the ones the page cache keeps, docs/decisions/0007 and 0020) render nothing here.
 */
export function PlanThis({ recipe, servings, me }: { recipe: Recipe; servings: number; me: User | null | undefined }) {
  const transport = useTransport();
  const queryClient = useQueryClient();
  const keys = useIdempotencyKeys();
  const id = useId();
  // the next fortnight, from today (the browser's day: the one the person means)
  const t = useMessages(messages);
  const slot = useMessages(slots);
  const locale = useLocale();
  const [days] = useState(() => Array.from({ length: 14 }, (_, i) => addDays(today(), i)));
  const plan = useMutation({
    mutationFn: (req: { date: string; slot: MealSlot }) => {
      const request = { recipeId: recipe.id, date: req.date, slot: mealSlotValues.toProto(req.slot), servings };
      return mealPlanClient(transport).addMealPlanEntry(request, keys.options('plan', request));
    },
    onSuccess: () => {
      keys.done();
      return queryClient.invalidateQueries({ queryKey: mealPlanKey });
    },
  });
  // undefined: a signed-in person not known yet (a page shared by every reader): in its place already
  if (me === null) return null;
  const error = plan.error ? describeError(plan.error) : null;
  return (
    <details className="plan-this">
      <summary className="button button--small button--quiet">{t.plan}</summary>
      <form
        aria-label={t.planRecipe}
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          plan.mutate({ date: String(form.get('day')), slot: String(form.get('slot')) as MealSlot });
        }}
      >
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-day`}>{t.day}</label>
            <select id={`${id}-day`} name="day">
              {days.map((d) => (
                <option key={d} value={d}>
                  {dayLabel(d, locale)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-slot`}>{t.meal}</label>
            <select id={`${id}-slot`} name="slot" defaultValue="dinner">
              {mealSlots.map((s) => (
                <option key={s} value={s}>
                  {slot[s]}
                </option>
              ))}
            </select>
          </div>
        </div>
        <button type="submit" className="button button--small" disabled={plan.isPending}>
          {t.planFor(Math.min(servings, mealPlanLimits.servings.max))}
        </button>
        {error ? (
          <p className="field-error" role="alert">
            {Object.values(error.fields)[0] ?? error.message}
          </p>
        ) : null}
        {plan.isSuccess ? (
          <p className="notice" role="status">
            {t.planned({ day: dayLabel(plan.variables.date, locale) })} <Link to="/meal-plan">{t.seePlan}</Link>.
          </p>
        ) : null}
      </form>
    </details>
  );
}
