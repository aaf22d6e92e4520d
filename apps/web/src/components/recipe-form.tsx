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
import { type NeededForReview, neededForReview } from '@yeet/domain/lifecycle';
import {
  formatIngredients,
  type IngredientLineSection,
  ingredientText,
  maxServings,
  minServings,
  parseIngredients,
} from '@yeet/domain/quantity';
import { cuisines, dietaryFlags, difficulties, isCuisine, mealTypes } from '@yeet/domain/values';
import { useId, useRef, type FormEvent, type ReactNode } from 'react';
import { defineMessages, useMessages } from '../lib/i18n';
import { dietaryFlag, difficulty, mealType, useLabels } from '../lib/labels';

const messages = defineMessages('recipeForm', {
  needed: 'Needed for review',
  notSaved: 'The recipe could not be saved.',
  fixFields: 'Fix the fields marked below.',
  title: 'Title',
  summary: 'Summary',
  ingredients: 'Ingredients',
  ingredientsHint: 'One per line, like “200 g plain flour, sifted”. A line ending in a colon starts a section (“Dough:”).',
  method: 'Method',
  methodHint: 'One step per line. **Bold** and _italic_ work.',
  servings: 'Servings',
  prep: 'Prep (min)',
  cook: 'Cook (min)',
  total: 'Total (min)',
  totalHint: 'Blank: prep + cook',
  difficulty: 'Difficulty',
  choose: 'Choose…',
  mealTypes: 'Meal types',
  suitableFor: 'Suitable for',
  cuisine: 'Cuisine',
  alsoCuisine: 'Also (optional)',
  none: 'None',
  tags: 'Tags',
  tagsHint: 'Comma-separated: weeknight, one-pot',
  saving: 'Saving…',
});

export type RecipeInputInit = MessageInitShape<typeof RecipeInputSchema>;

/** The values the API sent, by the domain's names (unknown numbers dropped). */
const namesOf = <D extends string>(values: readonly number[], map: ValueMap<D, number>): D[] =>
  values.map(map.toDomain).filter((d): d is D => d !== undefined);
const list = (text: string) =>
  text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

/** A recipe names up to this many cuisines in the form (more only through the API, and kept). */
const cuisineChoices = 2;

/** "Needed for review" after the label of a field a draft may leave empty but review may not. */
function Needed({ field }: { field: NeededForReview }) {
  const t = useMessages(messages);
  return neededForReview.includes(field) ? <span className="needed">{t.needed}</span> : null;
}

/**
 * An ingredient's message with its line: the API names "ingredientSections[0].ingredients[2]",
 * which means nothing to someone looking at a box of text.
 */
function ingredientMessage(fields: Record<string, string>, sections: IngredientLineSection[]): string | undefined {
  for (const [key, message] of Object.entries(fields)) {
    const at = /^recipe\.ingredientSections\[(\d+)\]\.ingredients\[(\d+)\]/.exec(key);
    const line = at ? sections[Number(at[1])]?.ingredients[Number(at[2])] : undefined;
    if (line) return `“${ingredientText(line, 1)}”: ${message}`;
    if (key.startsWith('recipe.ingredientSections')) return message;
  }
  return undefined;
}

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
  legend: ReactNode;
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
  /** Fields a page adds before the save button (the cover photo of a new recipe). */
  children?: ReactNode;
}) {
  const r = props.initial;
  const id = useId();
  const t = useMessages(messages);
  const labels = useLabels();
  const difficultyNames = useMessages(difficulty);
  const mealTypeNames = useMessages(mealType);
  const dietaryFlagNames = useMessages(dietaryFlag);
  // what was last sent, to quote an ingredient line the API refused
  const sent = useRef<IngredientLineSection[]>([]);
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
    sent.current = parseIngredients(text('ingredients'));
    props.onSubmit({
      title: text('title'),
      summary: text('summary'),
      ingredientSections: sent.current,
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
      cuisines: form.getAll('cuisines').map(String).filter(Boolean),
      tags: list(text('tags')),
      mealTypes: checked('mealTypes', mealTypes).map(mealTypeValues.toProto),
      dietaryFlags: checked('dietaryFlags', dietaryFlags).map(dietaryFlagValues.toProto),
    });
  };

  const described = (name: string, error?: string, hint?: boolean) =>
    [hint ? `${id}-${name}-hint` : '', error ? `${id}-${name}-error` : ''].filter(Boolean).join(' ') || undefined;

  const titleError = fieldError('title');
  const summaryError = fieldError('summary');
  const ingredientsError = props.error ? ingredientMessage(props.error.fields, sent.current) : undefined;
  const stepsError = prefixedError('steps');
  const servingsError = fieldError('servings');
  const timeError = fieldError('prepMinutes', 'cookMinutes', 'totalMinutes');
  const difficultyError = fieldError('difficulty');
  const mealError = prefixedError('mealTypes');
  const cuisineError = prefixedError('cuisines');
  const chosenCuisines = (r?.cuisines ?? []).filter(isCuisine);
  const cuisineSlots = Array.from({ length: Math.max(cuisineChoices, chosenCuisines.length) }, (_, n) => ({
    slot: `cuisine-${n}`,
    chosen: chosenCuisines[n] ?? '',
  }));

  return (
    <form className="recipe-form" onSubmit={submit} noValidate aria-busy={props.busy}>
      {props.error ? (
        <div className="alert" role="alert" tabIndex={-1} ref={(el) => el?.focus()}>
          <p>
            <strong>{t.notSaved}</strong> {Object.keys(props.error.fields).length ? t.fixFields : props.error.message}
          </p>
        </div>
      ) : null}

      <div className="field">
        <label htmlFor={`${id}-title`}>{t.title}</label>
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
        <label htmlFor={`${id}-summary`}>
          {t.summary} <Needed field="summary" />
        </label>
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
          {t.ingredients} <Needed field="ingredientSections" />
          <span className="hint" id={`${id}-ingredients-hint`}>
            {t.ingredientsHint}
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
          {t.method} <Needed field="steps" />
          <span className="hint" id={`${id}-steps-hint`}>
            {t.methodHint}
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
          <label htmlFor={`${id}-servings`}>{t.servings}</label>
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
          <label htmlFor={`${id}-prep`}>{t.prep}</label>
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
          <label htmlFor={`${id}-cook`}>{t.cook}</label>
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
            {t.total} <Needed field="totalMinutes" />
            <span className="hint">{t.totalHint}</span>
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
        <label htmlFor={`${id}-difficulty`}>
          {t.difficulty} <Needed field="difficulty" />
        </label>
        <select
          id={`${id}-difficulty`}
          name="difficulty"
          defaultValue={difficultyValues.toDomain(r?.difficulty ?? 0) ?? ''}
          aria-invalid={Boolean(difficultyError)}
          aria-describedby={described('difficulty', difficultyError)}
        >
          <option value="">{t.choose}</option>
          {difficulties.map((d) => (
            <option key={d} value={d}>
              {difficultyNames[d]}
            </option>
          ))}
        </select>
        <FieldError id={`${id}-difficulty-error`} message={difficultyError} />
      </div>

      <ValueChecks
        legend={
          <>
            {t.mealTypes} <Needed field="mealTypes" />
          </>
        }
        name="mealTypes"
        values={mealTypes}
        labels={mealTypeNames}
        checked={namesOf(r?.mealTypes ?? [], mealTypeValues)}
        describedBy={described('meals', mealError)}
      >
        <FieldError id={`${id}-meals-error`} message={mealError} />
      </ValueChecks>

      <ValueChecks
        legend={t.suitableFor}
        name="dietaryFlags"
        values={dietaryFlags}
        labels={dietaryFlagNames}
        checked={namesOf(r?.dietaryFlags ?? [], dietaryFlagValues)}
      />

      <div className="field-row">
        {cuisineSlots.map(({ slot, chosen }) => (
          <div className="field" key={slot}>
            <label htmlFor={`${id}-${slot}`}>{slot === 'cuisine-0' ? t.cuisine : t.alsoCuisine}</label>
            <select
              id={`${id}-${slot}`}
              name="cuisines"
              defaultValue={chosen}
              aria-invalid={Boolean(cuisineError)}
              aria-describedby={described('cuisines', cuisineError)}
            >
              <option value="">{t.none}</option>
              {cuisines.map((c) => (
                <option key={c} value={c}>
                  {labels.cuisine(c)}
                </option>
              ))}
            </select>
          </div>
        ))}
      </div>
      <FieldError id={`${id}-cuisines-error`} message={cuisineError} />

      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-tags`}>
            {t.tags}
            <span className="hint">{t.tagsHint}</span>
          </label>
          <input id={`${id}-tags`} name="tags" defaultValue={r?.tags.join(', ')} />
        </div>
      </div>

      {props.children}

      <button type="submit" className="button" disabled={props.busy}>
        {props.busy ? t.saving : props.submitLabel}
      </button>
    </form>
  );
}
