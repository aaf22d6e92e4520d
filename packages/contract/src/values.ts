// Hand-written (not generated): the contract's enums ⇄ the domain's value names.
import type {
  DietaryFlag,
  Difficulty,
  ImageSlot,
  MealSlot,
  MealType,
  RecipeSort,
  RecipeStatus,
  Role,
  SearchSort,
  TimeBucket,
  WeekStart,
} from '@yeet/domain/values';
import { ImageSlot as PbImageSlot } from './gen/yeet/v1/image_pb.js';
import { MealSlot as PbMealSlot, WeekStart as PbWeekStart } from './gen/yeet/v1/meal_plan_pb.js';
import {
  DietaryFlag as PbDietaryFlag,
  Difficulty as PbDifficulty,
  MealType as PbMealType,
  RecipeSort as PbRecipeSort,
  RecipeStatus as PbRecipeStatus,
} from './gen/yeet/v1/recipe_pb.js';
import { SearchSort as PbSearchSort, TimeBucket as PbTimeBucket } from './gen/yeet/v1/search_pb.js';
import { Role as PbRole } from './gen/yeet/v1/user_pb.js';

/**
 * One of the domain's value sets as the API spells it. The domain lists the values and their
 * labels (`@yeet/domain/values`); each map here is a `Record` over those names, so a value
 * without an enum number does not compile, and the reverse direction is derived from it.
 * Adding a value touches the proto, the domain's list, this file and a migration.
 */
export interface ValueMap<D extends string, P extends number> {
  /** The domain's names, in the order written here (the domain's own order). */
  readonly names: readonly D[];
  toProto(value: D): P;
  /** undefined for UNSPECIFIED (0) and for numbers this build does not know. */
  toDomain(value: number): D | undefined;
}

function valueMap<D extends string, P extends number>(toProto: Record<D, P>): ValueMap<D, P> {
  const pairs = Object.entries(toProto) as Array<[D, P]>;
  const toDomain = new Map<number, D>(pairs.map(([d, p]) => [p, d]));
  return { names: pairs.map(([d]) => d), toProto: (d) => toProto[d], toDomain: (p) => toDomain.get(p) };
}

export const difficultyValues = valueMap<Difficulty, PbDifficulty>({
  easy: PbDifficulty.EASY,
  medium: PbDifficulty.MEDIUM,
  hard: PbDifficulty.HARD,
});

export const mealTypeValues = valueMap<MealType, PbMealType>({
  breakfast: PbMealType.BREAKFAST,
  lunch: PbMealType.LUNCH,
  dinner: PbMealType.DINNER,
  dessert: PbMealType.DESSERT,
  snack: PbMealType.SNACK,
  drink: PbMealType.DRINK,
  side: PbMealType.SIDE,
});

export const dietaryFlagValues = valueMap<DietaryFlag, PbDietaryFlag>({
  vegetarian: PbDietaryFlag.VEGETARIAN,
  vegan: PbDietaryFlag.VEGAN,
  'gluten-free': PbDietaryFlag.GLUTEN_FREE,
  'dairy-free': PbDietaryFlag.DAIRY_FREE,
  'nut-free': PbDietaryFlag.NUT_FREE,
});

export const timeBucketValues = valueMap<TimeBucket, PbTimeBucket>({
  'up-to-15': PbTimeBucket.MINUTES_0_TO_15,
  '15-to-30': PbTimeBucket.MINUTES_15_TO_30,
  '30-to-60': PbTimeBucket.MINUTES_30_TO_60,
  '1-to-2-hours': PbTimeBucket.HOURS_1_TO_2,
  'over-2-hours': PbTimeBucket.HOURS_2_PLUS,
});

export const recipeStatusValues = valueMap<RecipeStatus, PbRecipeStatus>({
  draft: PbRecipeStatus.DRAFT,
  in_review: PbRecipeStatus.IN_REVIEW,
  published: PbRecipeStatus.PUBLISHED,
  archived: PbRecipeStatus.ARCHIVED,
});

export const recipeSortValues = valueMap<RecipeSort, PbRecipeSort>({
  newest: PbRecipeSort.NEWEST,
  top_rated: PbRecipeSort.TOP_RATED,
  quickest: PbRecipeSort.QUICKEST,
  oldest: PbRecipeSort.OLDEST,
});

export const searchSortValues = valueMap<SearchSort, PbSearchSort>({
  relevance: PbSearchSort.RELEVANCE,
  newest: PbSearchSort.NEWEST,
  top_rated: PbSearchSort.TOP_RATED,
  quickest: PbSearchSort.QUICKEST,
});

export const roleValues = valueMap<Role, PbRole>({
  user: PbRole.USER,
  author: PbRole.AUTHOR,
  editor: PbRole.EDITOR,
  admin: PbRole.ADMIN,
});

export const imageSlotValues = valueMap<ImageSlot, PbImageSlot>({
  cover: PbImageSlot.COVER,
  step: PbImageSlot.STEP,
});

export const mealSlotValues = valueMap<MealSlot, PbMealSlot>({
  breakfast: PbMealSlot.BREAKFAST,
  lunch: PbMealSlot.LUNCH,
  dinner: PbMealSlot.DINNER,
  snack: PbMealSlot.SNACK,
});

export const weekStartValues = valueMap<WeekStart, PbWeekStart>({
  monday: PbWeekStart.MONDAY,
  sunday: PbWeekStart.SUNDAY,
  saturday: PbWeekStart.SATURDAY,
});
