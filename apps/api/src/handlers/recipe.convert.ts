import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  DietaryFlag as PbDietaryFlag,
  Difficulty as PbDifficulty,
  MealType as PbMealType,
  RecipeSort as PbRecipeSort,
  RecipeStatus as PbRecipeStatus,
  type RatingSchema,
  type RecipeEventSchema,
  type ListRecipesRequest,
  type RecipeInput,
  type RecipeSchema,
} from '@yeet/contract';
import {
  dietaryFlags,
  difficulties,
  invalidField,
  kebab,
  mealTypes,
  recipeSorts,
  recipeStatuses,
  type DietaryFlag,
  type Difficulty,
  type MealType,
  type Rating,
  type Recipe,
  type RecipeContentInput,
  type RecipeEvent,
  type RecipeSort,
  type RecipeStatus,
} from '@yeet/domain';
import type { ListRecipesQuery } from '../controllers/recipe.controller.ts';

/**
 * proto ⇄ domain for recipes. Enum numbers become the domain's names here; an unknown or
 * UNSPECIFIED value inside a list becomes a name the domain rejects with a field message.
 */
function bimap<P extends number, D extends string>(pairs: ReadonlyArray<readonly [P, D]>) {
  const toDomain = new Map<number, D>(pairs);
  const toProto = new Map<D, P>(pairs.map(([p, d]) => [d, p]));
  return {
    toDomain: (p: number): D | undefined => toDomain.get(p),
    toProto: (d: D): P => toProto.get(d)!,
  };
}

const difficulty = bimap<PbDifficulty, Difficulty>([
  [PbDifficulty.EASY, 'easy'],
  [PbDifficulty.MEDIUM, 'medium'],
  [PbDifficulty.HARD, 'hard'],
]);

const mealType = bimap<PbMealType, MealType>([
  [PbMealType.BREAKFAST, 'breakfast'],
  [PbMealType.LUNCH, 'lunch'],
  [PbMealType.DINNER, 'dinner'],
  [PbMealType.DESSERT, 'dessert'],
  [PbMealType.SNACK, 'snack'],
  [PbMealType.DRINK, 'drink'],
  [PbMealType.SIDE, 'side'],
]);

const dietaryFlag = bimap<PbDietaryFlag, DietaryFlag>([
  [PbDietaryFlag.VEGETARIAN, 'vegetarian'],
  [PbDietaryFlag.VEGAN, 'vegan'],
  [PbDietaryFlag.GLUTEN_FREE, 'gluten-free'],
  [PbDietaryFlag.DAIRY_FREE, 'dairy-free'],
  [PbDietaryFlag.NUT_FREE, 'nut-free'],
]);

const status = bimap<PbRecipeStatus, RecipeStatus>([
  [PbRecipeStatus.DRAFT, 'draft'],
  [PbRecipeStatus.IN_REVIEW, 'in_review'],
  [PbRecipeStatus.PUBLISHED, 'published'],
  [PbRecipeStatus.ARCHIVED, 'archived'],
]);

const sort = bimap<PbRecipeSort, RecipeSort>([
  [PbRecipeSort.NEWEST, 'newest'],
  [PbRecipeSort.TOP_RATED, 'top_rated'],
  [PbRecipeSort.QUICKEST, 'quickest'],
]);

/** Names the domain validation does not know, so it reports the field with its choices. */
const unspecified = 'unspecified';
const listToDomain = <D extends string>(values: number[], map: { toDomain: (p: number) => D | undefined }) =>
  values.map((v) => map.toDomain(v) ?? (unspecified as D));

export function recipeInputToDomain(input: RecipeInput | undefined): RecipeContentInput {
  return {
    title: input?.title ?? '',
    summary: input?.summary ?? '',
    ingredientSections: (input?.ingredientSections ?? []).map((s) => ({
      name: s.name,
      ingredients: s.ingredients.map((i) => ({ quantity: i.quantity ?? null, unit: i.unit, item: i.item, note: i.note })),
    })),
    steps: (input?.steps ?? []).map((s) => ({ text: s.text })),
    servings: input?.servings ?? 0,
    prepMinutes: input?.prepMinutes ?? 0,
    cookMinutes: input?.cookMinutes ?? 0,
    totalMinutes: input?.totalMinutes ?? 0,
    difficulty: input?.difficulty ? (difficulty.toDomain(input.difficulty) ?? (unspecified as Difficulty)) : null,
    cuisines: input?.cuisines ?? [],
    mealTypes: listToDomain(input?.mealTypes ?? [], mealType),
    tags: input?.tags ?? [],
    dietaryFlags: listToDomain(input?.dietaryFlags ?? [], dietaryFlag),
  };
}

/** Filter values must each be a real choice: a typo should not silently widen the results. */
function enumFilter<D extends string>(
  values: number[],
  map: { toDomain: (p: number) => D | undefined },
  field: string,
  choices: readonly string[],
): D[] {
  return values.map((v, i) => {
    const d = map.toDomain(v);
    if (!d) throw invalidField(`${field}[${i}]`, `choose one of: ${choices.join(', ')}`);
    return d;
  });
}

export function pageSizeToDomain(pageSize: number): number {
  if (pageSize === 0) return defaultPageSize;
  if (pageSize < 1 || pageSize > maxPageSize) throw invalidField('pageSize', `must be between 1 and ${maxPageSize}`);
  return pageSize;
}

export function listQueryToDomain(req: ListRecipesRequest): ListRecipesQuery {
  const f = req.filter;
  if ((f?.maxTotalMinutes ?? 0) < 0) throw invalidField('filter.maxTotalMinutes', 'cannot be negative; use 0 for no limit');
  return {
    filter: {
      cuisines: (f?.cuisines ?? []).map(kebab).filter(Boolean),
      mealTypes: enumFilter(f?.mealTypes ?? [], mealType, 'filter.mealTypes', mealTypes),
      difficulties: enumFilter(f?.difficulties ?? [], difficulty, 'filter.difficulties', difficulties),
      tags: (f?.tags ?? []).map(kebab).filter(Boolean),
      dietaryFlags: enumFilter(f?.dietaryFlags ?? [], dietaryFlag, 'filter.dietaryFlags', dietaryFlags),
      maxTotalMinutes: f?.maxTotalMinutes ? f.maxTotalMinutes : null,
      status: f?.status ? (enumFilter([f.status], status, 'filter.status', recipeStatuses)[0] ?? null) : null,
      mine: f?.mine ?? false,
    },
    sort: req.sort ? (enumFilter([req.sort], sort, 'sort', recipeSorts)[0] ?? 'newest') : 'newest',
    pageSize: pageSizeToDomain(req.pageSize),
    pageToken: req.pageToken,
  };
}

export const defaultPageSize = 20;
export const maxPageSize = 100;

const ts = (d: Date) => timestampFromDate(d);

export function recipeToProto(r: Recipe): MessageInitShape<typeof RecipeSchema> {
  return {
    id: r.id,
    slug: r.slug,
    title: r.title,
    summary: r.summary,
    ingredientSections: r.ingredientSections.map((s) => ({
      name: s.name,
      ingredients: s.ingredients.map((i) => ({
        ...(i.quantity === null ? {} : { quantity: i.quantity }),
        unit: i.unit,
        item: i.item,
        note: i.note,
      })),
    })),
    steps: r.steps.map((s) => ({ text: s.text })),
    servings: r.servings,
    prepMinutes: r.prepMinutes,
    cookMinutes: r.cookMinutes,
    totalMinutes: r.totalMinutes,
    difficulty: r.difficulty ? difficulty.toProto(r.difficulty) : PbDifficulty.UNSPECIFIED,
    cuisines: r.cuisines,
    mealTypes: r.mealTypes.map(mealType.toProto),
    tags: r.tags,
    dietaryFlags: r.dietaryFlags.map(dietaryFlag.toProto),
    status: status.toProto(r.status),
    author: { id: r.author.id, displayName: r.author.displayName },
    rating: { average: r.rating.average, count: r.rating.count },
    createTime: ts(r.createdAt),
    updateTime: ts(r.updatedAt),
    ...(r.publishedAt ? { publishTime: ts(r.publishedAt) } : {}),
    version: r.version,
    rejectionReason: r.rejectionReason ?? '',
  };
}

export function eventToProto(e: RecipeEvent): MessageInitShape<typeof RecipeEventSchema> {
  return {
    id: e.id,
    action: e.action,
    fromStatus: e.fromStatus ? status.toProto(e.fromStatus) : PbRecipeStatus.UNSPECIFIED,
    toStatus: status.toProto(e.toStatus),
    actor: { id: e.actor.id, displayName: e.actor.displayName },
    reason: e.reason ?? '',
    createTime: ts(e.createdAt),
  };
}

export function ratingToProto(r: Rating): MessageInitShape<typeof RatingSchema> {
  return {
    recipeId: r.recipeId,
    user: { id: r.user.id, displayName: r.user.displayName },
    stars: r.stars,
    review: r.review,
    createTime: ts(r.createdAt),
    updateTime: ts(r.updatedAt),
  };
}
