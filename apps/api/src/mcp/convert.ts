import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import {
  BadRequestSchema,
  dietaryFlagValues,
  difficultyValues,
  mealTypeValues,
  recipeStatusValues,
  timeBucketValues,
  type Recipe,
  type RecipeInputSchema,
  type SearchFilterSchema,
  type ValueMap,
} from '@yeet/contract';
import {
  displayAmount,
  isUuid,
  recipeUnitSystem,
  scaledAmount,
  type DietaryFlag,
  type Difficulty,
  type MealType,
  type RecipeStatus,
  type TimeBucket,
} from '@yeet/domain';

/**
 * The MCP edge: tool arguments (snake_case JSON, the domain's enum names) ⇄ the contract's
 * messages, and Connect errors ⇄ tool errors. Like a handler, it owns its conversions and
 * no rule: the RPC methods it calls validate and authorise.
 */

/** A recipe as a tool receives it: the API's RecipeInput in snake_case. */
export interface RecipeArgs {
  title: string;
  summary: string;
  ingredient_sections?: Array<{
    name?: string;
    ingredients: Array<{ quantity?: number; unit?: string; item: string; note?: string }>;
  }>;
  steps?: string[];
  servings: number;
  prep_minutes?: number;
  cook_minutes?: number;
  total_minutes?: number;
  difficulty?: Difficulty;
  cuisines?: string[];
  meal_types?: MealType[];
  tags?: string[];
  dietary_flags?: DietaryFlag[];
}

export function recipeInput(a: RecipeArgs): MessageInitShape<typeof RecipeInputSchema> {
  return {
    title: a.title,
    summary: a.summary,
    ingredientSections: (a.ingredient_sections ?? []).map((s) => ({
      name: s.name ?? '',
      ingredients: s.ingredients.map((i) => ({ quantity: i.quantity, unit: i.unit ?? '', item: i.item, note: i.note ?? '' })),
    })),
    steps: (a.steps ?? []).map((text) => ({ text })),
    servings: a.servings,
    prepMinutes: a.prep_minutes ?? 0,
    cookMinutes: a.cook_minutes ?? 0,
    totalMinutes: a.total_minutes ?? 0,
    difficulty: a.difficulty ? difficultyValues.toProto(a.difficulty) : 0,
    cuisines: a.cuisines ?? [],
    mealTypes: (a.meal_types ?? []).map(mealTypeValues.toProto),
    tags: a.tags ?? [],
    dietaryFlags: (a.dietary_flags ?? []).map(dietaryFlagValues.toProto),
  };
}

/** The reverse, so a partial update can start from the recipe as it is. */
export function recipeArgs(r: Recipe): RecipeArgs {
  return {
    title: r.title,
    summary: r.summary,
    ingredient_sections: r.ingredientSections.map((s) => ({
      name: s.name,
      ingredients: s.ingredients.map((i) => ({ quantity: i.quantity, unit: i.unit, item: i.item, note: i.note })),
    })),
    steps: r.steps.map((s) => s.text),
    servings: r.servings,
    prep_minutes: r.prepMinutes,
    cook_minutes: r.cookMinutes,
    total_minutes: r.totalMinutes,
    difficulty: difficultyValues.toDomain(r.difficulty),
    cuisines: r.cuisines,
    meal_types: names(r.mealTypes, mealTypeValues),
    tags: r.tags,
    dietary_flags: names(r.dietaryFlags, dietaryFlagValues),
  };
}

export interface SearchArgs {
  query?: string;
  cuisines?: string[];
  meal_types?: MealType[];
  difficulties?: Difficulty[];
  max_total_minutes?: number;
  time_buckets?: TimeBucket[];
  tags?: string[];
  dietary_flags?: DietaryFlag[];
}

export function searchFilter(a: SearchArgs): MessageInitShape<typeof SearchFilterSchema> {
  return {
    cuisines: a.cuisines ?? [],
    mealTypes: (a.meal_types ?? []).map(mealTypeValues.toProto),
    difficulties: (a.difficulties ?? []).map(difficultyValues.toProto),
    timeBuckets: (a.time_buckets ?? []).map(timeBucketValues.toProto),
    maxTotalMinutes: a.max_total_minutes ?? 0,
    tags: a.tags ?? [],
    dietaryFlags: (a.dietary_flags ?? []).map(dietaryFlagValues.toProto),
  };
}

/** "cacio-e-pepe", a recipe id, or a link to the recipe's page (or its edit or history page). */
export function recipeKey(ref: string): { case: 'id' | 'slug'; value: string } {
  const trimmed = ref.trim();
  const fromUrl = /\/r\/([a-z0-9-]+)(?:\/(?:edit|history))?\/?(?:[?#].*)?$/i.exec(trimmed)?.[1];
  if (fromUrl) return { case: 'slug', value: fromUrl.toLowerCase() };
  return isUuid(trimmed) ? { case: 'id', value: trimmed } : { case: 'slug', value: trimmed.toLowerCase() };
}

export const recipeUrl = (publicUrl: string, slug: string) => `${publicUrl}/r/${slug}`;

/** A recipe as tools return it: everything a cook needs, quantities for `servings`. */
export function recipeSummary(r: Recipe, publicUrl: string) {
  return {
    id: r.id,
    slug: r.slug,
    url: recipeUrl(publicUrl, r.slug),
    title: r.title,
    summary: r.summary,
    status: statusName(r),
    total_minutes: r.totalMinutes,
    difficulty: difficultyValues.toDomain(r.difficulty) ?? null,
    rating: { average: r.rating?.average ?? 0, count: r.rating?.count ?? 0 },
    cuisines: r.cuisines,
    meal_types: names(r.mealTypes, mealTypeValues),
    dietary_flags: names(r.dietaryFlags, dietaryFlagValues),
    tags: r.tags,
  };
}

export function fullRecipe(r: Recipe, publicUrl: string, servings: number) {
  const factor = servings / r.servings;
  // As the recipe page shows it unconverted: scaled amounts move to a unit that reads well
  // (1.2 kg, not 1200 g), spoons in the recipe's own system.
  const system = recipeUnitSystem(r.ingredientSections.flatMap((s) => s.ingredients.map((i) => i.unit)));
  return {
    ...recipeSummary(r, publicUrl),
    author: r.author?.displayName ?? '',
    servings,
    recipe_servings: r.servings,
    prep_minutes: r.prepMinutes,
    cook_minutes: r.cookMinutes,
    ingredient_sections: r.ingredientSections.map((s) => ({
      name: s.name,
      ingredients: s.ingredients.map((i) => {
        const scaled = scaledAmount(i, factor, system, false);
        const shown = displayAmount(i, factor, system, false);
        const amount = [shown.quantity, shown.unit].filter(Boolean).join(' ');
        return {
          quantity: scaled.quantity === null ? null : round(scaled.quantity),
          unit: scaled.unit,
          item: i.item,
          note: i.note,
          text: `${amount ? `${amount} ` : ''}${i.item}${i.note ? `, ${i.note}` : ''}`,
        };
      }),
    })),
    steps: r.steps.map((s) => s.text),
    image_url: r.coverImage?.variants.at(-1)?.url ?? null,
    published_at: r.publishTime ? timestampDate(r.publishTime).toISOString() : null,
    rejection_reason: r.rejectionReason || null,
    version: r.version,
  };
}

export const statusName = (r: Recipe): RecipeStatus | null => recipeStatusValues.toDomain(r.status) ?? null;

/** Three significant figures, whole numbers from 100 up: 1/64 tsp stays 0.0156, not 0. */
const round = (n: number) => (n >= 100 ? Math.round(n) : Number(n.toPrecision(3)));

function names<D extends string>(values: number[], map: ValueMap<D, number>): D[] {
  return values.map(map.toDomain).filter((v): v is D => v !== undefined);
}

/**
 * A failed RPC as a tool error a model can act on: what went wrong, each invalid field by
 * the tool's own argument names, and, when signing in is the fix, how.
 */
export function toolErrorText(error: unknown): string {
  const e = ConnectError.from(error);
  const fields = e
    .findDetails(BadRequestSchema)
    .flatMap((d) => d.fieldViolations.map((v) => `${argumentPath(v.field)}: ${v.description}`));
  const lead: Partial<Record<Code, string>> = {
    [Code.InvalidArgument]: 'Invalid arguments',
    [Code.NotFound]: 'Not found',
    [Code.PermissionDenied]: 'Not allowed',
    [Code.Unauthenticated]: 'Sign-in needed',
    [Code.FailedPrecondition]: 'Not possible now',
    [Code.AlreadyExists]: 'Already exists',
    [Code.ResourceExhausted]: 'Too many requests',
    [Code.Unavailable]: 'Temporarily unavailable',
  };
  const parts = [`${lead[e.code] ?? 'Failed'}: ${e.rawMessage}`];
  if (fields.length) parts.push(fields.map((f) => `- ${f}`).join('\n'));
  if (e.code === Code.Unauthenticated) {
    parts.push(
      'This tool acts for a person: connect with an access token from the platform\'s issuer (HTTP header "Authorization: Bearer <token>").',
    );
  }
  return parts.join('\n');
}

/** Request fields whose tool argument has another name. */
const renamed: Record<string, string> = {
  id: 'recipe',
  recipeId: 'recipe',
  key: 'recipe',
  pageSize: 'limit',
  expectedVersion: 'expected_version',
};

/**
 * A field of the API's request as the tool's argument: "recipe.ingredientSections[0].item" →
 * "ingredient_sections[0].item", "filter.maxTotalMinutes" → "max_total_minutes".
 */
export function argumentPath(field: string): string {
  const path = field.replace(/^(?:recipe|filter)\./, '').replace(/^steps\[(\d+)\]\.text$/, 'steps[$1]');
  return renamed[path] ?? path.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
