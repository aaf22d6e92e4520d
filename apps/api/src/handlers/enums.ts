import {
  DietaryFlag as PbDietaryFlag,
  Difficulty as PbDifficulty,
  MealType as PbMealType,
  RecipeSort as PbRecipeSort,
  RecipeStatus as PbRecipeStatus,
  Role as PbRole,
  SearchSort as PbSearchSort,
  TimeBucket as PbTimeBucket,
} from '@yeet/contract';
import {
  invalidField,
  type DietaryFlag,
  type Difficulty,
  type MealType,
  type RecipeSort,
  type RecipeStatus,
  type Role,
  type SearchSort,
  type TimeBucket,
} from '@yeet/domain';

/**
 * Enum numbers of the contract ⇄ the domain's names, in one place for every handler.
 * UNSPECIFIED (0) maps to nothing.
 */
function bimap<P extends number, D extends string>(pairs: ReadonlyArray<readonly [P, D]>) {
  const toDomain = new Map<number, D>(pairs);
  const toProto = new Map<D, P>(pairs.map(([p, d]) => [d, p]));
  return {
    names: pairs.map(([, d]) => d),
    toDomain: (p: number): D | undefined => toDomain.get(p),
    toProto: (d: D): P => toProto.get(d)!,
  };
}

export type EnumMap<D extends string> = ReturnType<typeof bimap<number, D>>;

export const difficulty = bimap<PbDifficulty, Difficulty>([
  [PbDifficulty.EASY, 'easy'],
  [PbDifficulty.MEDIUM, 'medium'],
  [PbDifficulty.HARD, 'hard'],
]);

export const mealType = bimap<PbMealType, MealType>([
  [PbMealType.BREAKFAST, 'breakfast'],
  [PbMealType.LUNCH, 'lunch'],
  [PbMealType.DINNER, 'dinner'],
  [PbMealType.DESSERT, 'dessert'],
  [PbMealType.SNACK, 'snack'],
  [PbMealType.DRINK, 'drink'],
  [PbMealType.SIDE, 'side'],
]);

export const dietaryFlag = bimap<PbDietaryFlag, DietaryFlag>([
  [PbDietaryFlag.VEGETARIAN, 'vegetarian'],
  [PbDietaryFlag.VEGAN, 'vegan'],
  [PbDietaryFlag.GLUTEN_FREE, 'gluten-free'],
  [PbDietaryFlag.DAIRY_FREE, 'dairy-free'],
  [PbDietaryFlag.NUT_FREE, 'nut-free'],
]);

export const recipeStatus = bimap<PbRecipeStatus, RecipeStatus>([
  [PbRecipeStatus.DRAFT, 'draft'],
  [PbRecipeStatus.IN_REVIEW, 'in_review'],
  [PbRecipeStatus.PUBLISHED, 'published'],
  [PbRecipeStatus.ARCHIVED, 'archived'],
]);

export const recipeSort = bimap<PbRecipeSort, RecipeSort>([
  [PbRecipeSort.NEWEST, 'newest'],
  [PbRecipeSort.TOP_RATED, 'top_rated'],
  [PbRecipeSort.QUICKEST, 'quickest'],
  [PbRecipeSort.OLDEST, 'oldest'],
]);

export const searchSort = bimap<PbSearchSort, SearchSort>([
  [PbSearchSort.RELEVANCE, 'relevance'],
  [PbSearchSort.NEWEST, 'newest'],
  [PbSearchSort.TOP_RATED, 'top_rated'],
  [PbSearchSort.QUICKEST, 'quickest'],
]);

export const role = bimap<PbRole, Role>([
  [PbRole.USER, 'user'],
  [PbRole.AUTHOR, 'author'],
  [PbRole.EDITOR, 'editor'],
  [PbRole.ADMIN, 'admin'],
]);

export const timeBucket = bimap<PbTimeBucket, TimeBucket>([
  [PbTimeBucket.MINUTES_0_TO_15, 'up-to-15'],
  [PbTimeBucket.MINUTES_15_TO_30, '15-to-30'],
  [PbTimeBucket.MINUTES_30_TO_60, '30-to-60'],
  [PbTimeBucket.HOURS_1_TO_2, '1-to-2-hours'],
  [PbTimeBucket.HOURS_2_PLUS, 'over-2-hours'],
]);

/**
 * Enum values in content the author writes: an unknown or UNSPECIFIED value becomes a name
 * the domain rejects with a message listing the choices.
 */
export function contentEnums<D extends string>(values: number[], map: EnumMap<D>): D[] {
  return values.map((v) => map.toDomain(v) ?? ('unspecified' as D));
}

/** Filter values must each be a real choice: a typo should not silently widen the results. */
export function filterEnums<D extends string>(values: number[], map: EnumMap<D>, field: string): D[] {
  return values.map((v, i) => {
    const d = map.toDomain(v);
    if (!d) throw invalidField(`${field}[${i}]`, `choose one of: ${map.names.join(', ')}`);
    return d;
  });
}

/** An optional single enum (0 = not given). */
export function optionalEnum<D extends string>(value: number, map: EnumMap<D>, field: string): D | null {
  return value ? (filterEnums([value], map, field)[0] ?? null) : null;
}
