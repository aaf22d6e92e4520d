import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  Difficulty as PbDifficulty,
  dietaryFlagValues,
  difficultyValues,
  mealTypeValues,
  type Recipe,
  type RecipeInputSchema,
  type ValueMap,
} from '@yeet/contract';
import { formatIngredients, maxServings, minServings, parseIngredients } from '@yeet/domain/quantity';
import { dietaryFlagLabels, dietaryFlags, difficulties, difficultyLabels, mealTypeLabels, mealTypes } from '@yeet/domain/values';
import { useId, type FormEvent, type ReactNode } from 'react';

export type RecipeInputInit = MessageInitShape<typeof RecipeInputSchema>;

/** The values the API sent, by the domain's names (unknown numbers dropped). */
const namesOf = <D extends string>(values: readonly number[], map: ValueMap<D, number>): D[] =>
  values.map(map.toDomain).filter((d): d is D => d !== undefined);
const list = (text: string) =>
  text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

/** The API's message about a field, under it (the field points here with aria-describedby). */
function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <p className="field-error" id={id}>
      {message}
    </p>
  ) : null;
}

/** A checkbox for each value of one of the domain's value sets; the form reads them back by `name`. */
function ValueChecks<D extends string>(props: {
  legend: string;
  name: string;
  values: readonly D[];
  labels: Record<D, string>;
  checked: readonly D[];
  describedBy?: string | undefined;
  children?: ReactNode;
}) {
  return (
    <fieldset className="field" aria-describedby={props.describedBy}>
      <legend>{props.legend}</legend>
      <div className="checks">
        {props.values.map((v) => (
          <label key={v} className="check">
            <input type="checkbox" name={props.name} value={v} defaultChecked={props.checked.includes(v)} /> {props.labels[v]}
          </label>
        ))}
      </div>
      {props.children}
    </fieldset>
  );
}

/**
 * The recipe editor. Ingredients and steps are written as text, one per line; errors from
 * the API appear next to the field they concern, and in a summary that takes focus.
 */
export function RecipeForm(props: {
  initial?: Recipe;
  submitLabel: string;
  busy: boolean;
  error: { message: string; fields: Record<string, string> } | null;
  onSubmit: (input: RecipeInputInit) => void;
}) {
  const r = props.initial;
  const id = useId();
  const fieldError = (...names: string[]) => names.map((n) => props.error?.fields[`recipe.${n}`]).find(Boolean);
  const prefixedError = (prefix: string) =>
    Object.entries(props.error?.fields ?? {}).find(([k]) => k.startsWith(`recipe.${prefix}`))?.[1];

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '');
    const number = (name: string) => Number(text(name) || 0);
    const difficulty = difficulties.find((d) => d === text('difficulty'));
    const checked = <D extends string>(name: string, values: readonly D[]) => values.filter((v) => form.getAll(name).includes(v));
    props.onSubmit({
      title: text('title'),
      summary: text('summary'),
      ingredientSections: parseIngredients(text('ingredients')),
      steps: text('steps')
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((s) => ({ text: s })),
      servings: number('servings'),
      prepMinutes: number('prepMinutes'),
      cookMinutes: number('cookMinutes'),
      totalMinutes: number('totalMinutes'),
      difficulty: difficulty ? difficultyValues.toProto(difficulty) : PbDifficulty.UNSPECIFIED,
      cuisines: list(text('cuisines')),
      tags: list(text('tags')),
      mealTypes: checked('mealTypes', mealTypes).map(mealTypeValues.toProto),
      dietaryFlags: checked('dietaryFlags', dietaryFlags).map(dietaryFlagValues.toProto),
    });
  };

  const described = (name: string, error?: string, hint?: boolean) =>
    [hint ? `${id}-${name}-hint` : '', error ? `${id}-${name}-error` : ''].filter(Boolean).join(' ') || undefined;

  const titleError = fieldError('title');
  const summaryError = fieldError('summary');
  const ingredientsError = prefixedError('ingredientSections');
  const stepsError = prefixedError('steps');
  const servingsError = fieldError('servings');
  const timeError = fieldError('prepMinutes', 'cookMinutes', 'totalMinutes');
  const difficultyError = fieldError('difficulty');
  const mealError = prefixedError('mealTypes');

  return (
    <form className="recipe-form" onSubmit={submit} noValidate aria-busy={props.busy}>
      {props.error ? (
        <div className="alert" role="alert" tabIndex={-1} ref={(el) => el?.focus()}>
          <p>
            <strong>The recipe could not be saved.</strong>{' '}
            {Object.keys(props.error.fields).length ? 'Fix the fields marked below.' : props.error.message}
          </p>
        </div>
      ) : null}

      <div className="field">
        <label htmlFor={`${id}-title`}>Title</label>
        <input
          id={`${id}-title`}
          name="title"
          defaultValue={r?.title}
          required
          maxLength={120}
          aria-invalid={Boolean(titleError)}
          aria-describedby={described('title', titleError)}
        />
        <FieldError id={`${id}-title-error`} message={titleError} />
      </div>

      <div className="field">
        <label htmlFor={`${id}-summary`}>Summary</label>
        <textarea
          id={`${id}-summary`}
          name="summary"
          defaultValue={r?.summary}
          rows={2}
          maxLength={500}
          aria-invalid={Boolean(summaryError)}
          aria-describedby={described('summary', summaryError)}
        />
        <FieldError id={`${id}-summary-error`} message={summaryError} />
      </div>

      <div className="field">
        <label htmlFor={`${id}-ingredients`}>
          Ingredients
          <span className="hint" id={`${id}-ingredients-hint`}>
            One per line, like “200 g plain flour, sifted”. A line ending in a colon starts a section (“Dough:”).
          </span>
        </label>
        <textarea
          id={`${id}-ingredients`}
          name="ingredients"
          rows={8}
          defaultValue={r ? formatIngredients(r.ingredientSections) : ''}
          aria-invalid={Boolean(ingredientsError)}
          aria-describedby={described('ingredients', ingredientsError, true)}
        />
        <FieldError id={`${id}-ingredients-error`} message={ingredientsError} />
      </div>

      <div className="field">
        <label htmlFor={`${id}-steps`}>
          Method
          <span className="hint" id={`${id}-steps-hint`}>
            One step per line. **Bold** and _italic_ work.
          </span>
        </label>
        <textarea
          id={`${id}-steps`}
          name="steps"
          rows={8}
          defaultValue={r?.steps.map((s) => s.text).join('\n')}
          aria-invalid={Boolean(stepsError)}
          aria-describedby={described('steps', stepsError, true)}
        />
        <FieldError id={`${id}-steps-error`} message={stepsError} />
      </div>

      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-servings`}>Servings</label>
          <input
            id={`${id}-servings`}
            name="servings"
            type="number"
            inputMode="numeric"
            min={minServings}
            max={maxServings}
            defaultValue={r?.servings ?? 4}
            aria-invalid={Boolean(servingsError)}
            aria-describedby={described('servings', servingsError)}
          />
          <FieldError id={`${id}-servings-error`} message={servingsError} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-prep`}>Prep (min)</label>
          <input
            id={`${id}-prep`}
            name="prepMinutes"
            type="number"
            inputMode="numeric"
            min={0}
            defaultValue={r?.prepMinutes ?? 0}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-cook`}>Cook (min)</label>
          <input
            id={`${id}-cook`}
            name="cookMinutes"
            type="number"
            inputMode="numeric"
            min={0}
            defaultValue={r?.cookMinutes ?? 0}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-total`}>
            Total (min)<span className="hint">Blank: prep + cook</span>
          </label>
          <input
            id={`${id}-total`}
            name="totalMinutes"
            type="number"
            inputMode="numeric"
            min={0}
            defaultValue={r?.totalMinutes || ''}
            aria-invalid={Boolean(timeError)}
            aria-describedby={described('time', timeError)}
          />
        </div>
      </div>
      <FieldError id={`${id}-time-error`} message={timeError} />

      <div className="field">
        <label htmlFor={`${id}-difficulty`}>Difficulty</label>
        <select
          id={`${id}-difficulty`}
          name="difficulty"
          defaultValue={difficultyValues.toDomain(r?.difficulty ?? 0) ?? ''}
          aria-invalid={Boolean(difficultyError)}
          aria-describedby={described('difficulty', difficultyError)}
        >
          <option value="">Choose…</option>
          {difficulties.map((d) => (
            <option key={d} value={d}>
              {difficultyLabels[d]}
            </option>
          ))}
        </select>
        <FieldError id={`${id}-difficulty-error`} message={difficultyError} />
      </div>

      <ValueChecks
        legend="Meal types"
        name="mealTypes"
        values={mealTypes}
        labels={mealTypeLabels}
        checked={namesOf(r?.mealTypes ?? [], mealTypeValues)}
        describedBy={described('meals', mealError)}
      >
        <FieldError id={`${id}-meals-error`} message={mealError} />
      </ValueChecks>

      <ValueChecks
        legend="Suitable for"
        name="dietaryFlags"
        values={dietaryFlags}
        labels={dietaryFlagLabels}
        checked={namesOf(r?.dietaryFlags ?? [], dietaryFlagValues)}
      />

      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-cuisines`}>
            Cuisines<span className="hint">Comma-separated: Italian, Middle Eastern</span>
          </label>
          <input id={`${id}-cuisines`} name="cuisines" defaultValue={r?.cuisines.join(', ')} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-tags`}>
            Tags<span className="hint">Comma-separated: weeknight, one-pot</span>
          </label>
          <input id={`${id}-tags`} name="tags" defaultValue={r?.tags.join(', ')} />
        </div>
      </div>

      <button type="submit" className="button" disabled={props.busy}>
        {props.busy ? 'Saving…' : props.submitLabel}
      </button>
    </form>
  );
}
