import { z } from 'zod';
import { failedPrecondition, invalidArgument, type FieldViolation } from './errors.ts';
import type { NeededForReview } from './lifecycle.ts';
import type { RecipeContent } from './recipe.ts';
import { hasControlCharacters, kebab } from './text.ts';
import { cuisines, dietaryFlags, difficulties, mealTypes } from './values.ts';

/**
 * Validation of what authors write. Two levels:
 * - `parseRecipeContent`: every save. Shapes, lengths and ranges; cuisines from the known
 *   list; normalises tags, cuisines and flags. A draft may still be incomplete.
 * - `assertReadyForReview`: on submit. Everything a reader needs is there.
 */

export const limits = {
  title: { min: 3, max: 120 },
  summary: 500,
  sections: 20,
  sectionName: 60,
  ingredientsPerSection: 100,
  item: 120,
  unit: 20,
  note: 200,
  quantity: 100_000,
  steps: 60,
  stepText: 3000,
  servings: { min: 1, max: 100 },
  minutes: 7 * 24 * 60,
  cuisines: 5,
  cuisine: { min: 2, max: 30 },
  tags: 20,
  tag: { min: 2, max: 40 },
} as const;

const oneOf = (values: readonly string[]) => `choose one of: ${values.join(', ')}`;

const text = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, { error: `${what} must be at most ${max} characters` })
    .refine((value) => !hasControlCharacters(value), { error: `${what} contains control characters; remove them` });

const minutes = (what: string) =>
  z
    .number()
    .int({ error: `${what} must be a whole number of minutes` })
    .min(0, { error: `${what} cannot be negative` })
    .max(limits.minutes, { error: `${what} must be at most ${limits.minutes} minutes (a week)` });

/** A list of normalised labels (tags, cuisines), duplicates removed. */
const labels = (maxCount: number, bounds: { min: number; max: number }, what: string) =>
  z
    .array(
      z
        .string()
        .transform(kebab)
        .pipe(
          z
            .string()
            .min(bounds.min, { error: `each ${what} needs at least ${bounds.min} letters or digits` })
            .max(bounds.max, { error: `each ${what} must be at most ${bounds.max} characters` }),
        ),
    )
    .transform((values) => [...new Set(values)])
    .pipe(z.array(z.string()).max(maxCount, { error: `at most ${maxCount} ${what}s` }));

const ingredient = z.object({
  quantity: z
    .number()
    .positive({ error: 'quantity must be more than 0; leave it empty for "to taste"' })
    .max(limits.quantity, { error: `quantity must be at most ${limits.quantity}` })
    .nullable(),
  unit: text(limits.unit, 'unit'),
  item: text(limits.item, 'ingredient').min(1, { error: 'say what the ingredient is' }),
  note: text(limits.note, 'note'),
});

const contentSchema = z
  .object({
    title: text(limits.title.max, 'title').min(limits.title.min, {
      error: `title needs at least ${limits.title.min} characters`,
    }),
    summary: text(limits.summary, 'summary'),
    ingredientSections: z
      .array(
        z.object({
          name: text(limits.sectionName, 'section name'),
          ingredients: z
            .array(ingredient)
            .max(limits.ingredientsPerSection, { error: `at most ${limits.ingredientsPerSection} ingredients per section` }),
        }),
      )
      .max(limits.sections, { error: `at most ${limits.sections} sections` }),
    steps: z
      .array(
        z.object({
          text: text(limits.stepText, 'a step').min(1, { error: 'a step cannot be empty; remove it or write it' }),
        }),
      )
      .max(limits.steps, { error: `at most ${limits.steps} steps` }),
    servings: z
      .number()
      .int({ error: 'servings must be a whole number' })
      .min(limits.servings.min, { error: `servings must be between ${limits.servings.min} and ${limits.servings.max}` })
      .max(limits.servings.max, { error: `servings must be between ${limits.servings.min} and ${limits.servings.max}` }),
    prepMinutes: minutes('prep time'),
    cookMinutes: minutes('cook time'),
    totalMinutes: minutes('total time'),
    difficulty: z.enum(difficulties, { error: oneOf(difficulties) }).nullable(),
    // Written any way ("Middle Eastern"), kept as the list names them ("middle-eastern").
    cuisines: z
      .array(
        z
          .string()
          .transform(kebab)
          .pipe(z.enum(cuisines, { error: oneOf(cuisines) })),
      )
      .transform((values) => [...new Set(values)])
      .pipe(z.array(z.enum(cuisines)).max(limits.cuisines, { error: `at most ${limits.cuisines} cuisines` })),
    mealTypes: z.array(z.enum(mealTypes, { error: oneOf(mealTypes) })).transform((values) => [...new Set(values)]),
    tags: labels(limits.tags, limits.tag, 'tag'),
    dietaryFlags: z.array(z.enum(dietaryFlags, { error: oneOf(dietaryFlags) })).transform((flags) => {
      const set = new Set(flags);
      // Vegan food is vegetarian and dairy-free by definition; say so for the filters.
      if (set.has('vegan')) set.add('vegetarian').add('dairy-free');
      return dietaryFlags.filter((f) => set.has(f));
    }),
  })
  .transform((c) => ({ ...c, totalMinutes: c.totalMinutes || c.prepMinutes + c.cookMinutes }));

export type RecipeContentInput = z.input<typeof contentSchema>;

const someMinutes = minutes('a time');

/**
 * The check across the three times, made apart from the schema: zod skips an object's
 * refinements once any field fails, so a bad title hid this one until the next save.
 */
function totalTimeViolation(input: RecipeContentInput): FieldViolation | null {
  const { prepMinutes, cookMinutes, totalMinutes } = input;
  const valid = [prepMinutes, cookMinutes, totalMinutes].every((m) => someMinutes.safeParse(m).success);
  if (!valid || totalMinutes === 0 || totalMinutes >= prepMinutes + cookMinutes) return null;
  return {
    field: 'totalMinutes',
    description: `total time must be at least prep + cook (${prepMinutes + cookMinutes} minutes); leave it 0 to use that`,
  };
}

/** Validates and normalises author input; throws InvalidArgument naming every bad field at once. */
export function parseRecipeContent(input: RecipeContentInput): RecipeContent {
  const result = contentSchema.safeParse(input);
  const time = totalTimeViolation(input);
  if (result.success && !time) return result.data;
  throw invalidArgument([...(result.success ? [] : toViolations(result.error)), ...(time ? [time] : [])]);
}

/** What is missing before a draft can go to review (empty when it is ready); fields from `neededForReview`. */
export function missingForReview(c: RecipeContent): Array<FieldViolation & { field: NeededForReview }> {
  const missing: Array<FieldViolation & { field: NeededForReview }> = [];
  if (!c.summary) missing.push({ field: 'summary', description: 'write a short summary' });
  if (!c.ingredientSections.some((s) => s.ingredients.length > 0)) {
    missing.push({ field: 'ingredientSections', description: 'add at least one ingredient' });
  }
  if (c.steps.length === 0) missing.push({ field: 'steps', description: 'add at least one step' });
  if (c.difficulty === null) missing.push({ field: 'difficulty', description: oneOf(difficulties) });
  if (c.mealTypes.length === 0) missing.push({ field: 'mealTypes', description: 'choose at least one meal type' });
  if (c.totalMinutes === 0) missing.push({ field: 'totalMinutes', description: 'say how long the recipe takes' });
  return missing;
}

export function assertReadyForReview(c: RecipeContent): void {
  const missing = missingForReview(c);
  if (missing.length > 0) {
    const what = missing.map((m) => m.description).join('; ');
    throw failedPrecondition(`This recipe is not ready for review: ${what}.`, missing);
  }
}

function toViolations(error: z.ZodError): FieldViolation[] {
  return error.issues.map((issue) => ({ field: formatPath(issue.path), description: issue.message }));
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc ? `${acc}.${String(key)}` : String(key);
  }, '');
}
