/**
 * The value sets of the platform (meal types, diets, difficulty, time ranges, statuses,
 * roles, sorts) with the words people read for each value. The one place they are listed:
 * the API's enums map to these names in @yeet/contract's `values.ts`, the database checks
 * them in its migrations, and every client shows these labels.
 *
 * No imports: the web app's bundle uses this module (`@yeet/domain/values`) too.
 */

export const difficulties = ['easy', 'medium', 'hard'] as const;
export type Difficulty = (typeof difficulties)[number];
export const difficultyLabels: Record<Difficulty, string> = { easy: 'Easy', medium: 'Medium', hard: 'Hard' };

export const mealTypes = ['breakfast', 'lunch', 'dinner', 'dessert', 'snack', 'drink', 'side'] as const;
export type MealType = (typeof mealTypes)[number];
export const mealTypeLabels: Record<MealType, string> = {
  breakfast: 'Breakfast',
  lunch: 'Lunch',
  dinner: 'Dinner',
  dessert: 'Dessert',
  snack: 'Snack',
  drink: 'Drink',
  side: 'Side',
};

export const dietaryFlags = ['vegetarian', 'vegan', 'gluten-free', 'dairy-free', 'nut-free'] as const;
export type DietaryFlag = (typeof dietaryFlags)[number];
export const dietaryFlagLabels: Record<DietaryFlag, string> = {
  vegetarian: 'Vegetarian',
  vegan: 'Vegan',
  'gluten-free': 'Gluten-free',
  'dairy-free': 'Dairy-free',
  'nut-free': 'Nut-free',
};

/**
 * The cuisines a recipe may name, as the API writes them (kebab-case); a recipe names up to
 * five. A known list rather than free text, so "klingon" is refused and every cuisine has a
 * label and a place in the browse and filter lists. Older recipes may carry others: those are
 * kept until their recipe is next saved.
 */
export const cuisines = [
  'african',
  'american',
  'brazilian',
  'british',
  'cajun',
  'caribbean',
  'chinese',
  'ethiopian',
  'filipino',
  'french',
  'german',
  'greek',
  'indian',
  'indonesian',
  'irish',
  'italian',
  'japanese',
  'korean',
  'lebanese',
  'malaysian',
  'mediterranean',
  'mexican',
  'middle-eastern',
  'moroccan',
  'nordic',
  'persian',
  'peruvian',
  'polish',
  'portuguese',
  'spanish',
  'thai',
  'turkish',
  'vietnamese',
] as const;
export type Cuisine = (typeof cuisines)[number];
export const cuisineLabels: Record<Cuisine, string> = {
  african: 'African',
  american: 'American',
  brazilian: 'Brazilian',
  british: 'British',
  cajun: 'Cajun',
  caribbean: 'Caribbean',
  chinese: 'Chinese',
  ethiopian: 'Ethiopian',
  filipino: 'Filipino',
  french: 'French',
  german: 'German',
  greek: 'Greek',
  indian: 'Indian',
  indonesian: 'Indonesian',
  irish: 'Irish',
  italian: 'Italian',
  japanese: 'Japanese',
  korean: 'Korean',
  lebanese: 'Lebanese',
  malaysian: 'Malaysian',
  mediterranean: 'Mediterranean',
  mexican: 'Mexican',
  'middle-eastern': 'Middle Eastern',
  moroccan: 'Moroccan',
  nordic: 'Nordic',
  persian: 'Persian',
  peruvian: 'Peruvian',
  polish: 'Polish',
  portuguese: 'Portuguese',
  spanish: 'Spanish',
  thai: 'Thai',
  turkish: 'Turkish',
  vietnamese: 'Vietnamese',
};

export function isCuisine(value: string): value is Cuisine {
  return (cuisines as readonly string[]).includes(value);
}

/** Total-time ranges people filter by; disjoint, so several can be combined with OR. */
export const timeBuckets = ['up-to-15', '15-to-30', '30-to-60', '1-to-2-hours', 'over-2-hours'] as const;
export type TimeBucket = (typeof timeBuckets)[number];
export const timeBucketLabels: Record<TimeBucket, string> = {
  'up-to-15': '15 min or less',
  '15-to-30': '15–30 min',
  '30-to-60': '30–60 min',
  '1-to-2-hours': '1–2 hours',
  'over-2-hours': 'Over 2 hours',
};

/** The states of the recipe lifecycle (the transitions between them are in lifecycle.ts). */
export const recipeStatuses = ['draft', 'in_review', 'published', 'archived'] as const;
export type RecipeStatus = (typeof recipeStatuses)[number];
export const recipeStatusLabels: Record<RecipeStatus, string> = {
  draft: 'Draft',
  in_review: 'In review',
  published: 'Published',
  archived: 'Archived',
};

export const recipeSorts = ['newest', 'top_rated', 'quickest', 'oldest'] as const;
export type RecipeSort = (typeof recipeSorts)[number];
export const recipeSortLabels: Record<RecipeSort, string> = {
  newest: 'Newest',
  top_rated: 'Top rated',
  quickest: 'Quickest',
  oldest: 'Oldest',
};

export const searchSorts = ['relevance', 'newest', 'top_rated', 'quickest'] as const;
export type SearchSort = (typeof searchSorts)[number];
export const searchSortLabels: Record<SearchSort, string> = {
  relevance: 'Best match',
  newest: 'Newest',
  top_rated: 'Top rated',
  quickest: 'Quickest',
};

/** Roles, from least to most: each one includes everything the ones before it can do. */
export const roles = ['user', 'author', 'editor', 'admin'] as const;
export type Role = (typeof roles)[number];
export const roleLabels: Record<Role, string> = { user: 'Member', author: 'Author', editor: 'Editor', admin: 'Admin' };
/** What each role adds, for people who hand them out. */
export const roleDuties: Record<Role, string> = {
  user: 'rates and reviews',
  author: 'writes recipes',
  editor: 'reviews and publishes',
  admin: 'manages people',
};

const roleRank = (role: Role): number => roles.indexOf(role);

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

/** True when `held` includes `role` or a role above it. */
export function includesRole(held: readonly Role[], role: Role): boolean {
  return held.some((r) => roleRank(r) >= roleRank(role));
}

/** The most a person may do, for display ("editor"). */
export function highestRole(held: readonly Role[]): Role {
  return held.reduce<Role>((top, r) => (roleRank(r) > roleRank(top) ? r : top), 'user');
}

export const imageSlots = ['cover', 'step'] as const;
export type ImageSlot = (typeof imageSlots)[number];
export const imageSlotLabels: Record<ImageSlot, string> = { cover: 'Cover photo', step: 'Step photo' };

/** The slots of a day in a meal plan, in the order a day shows them. */
export const mealSlots = ['breakfast', 'lunch', 'dinner', 'snack'] as const;
export type MealSlot = (typeof mealSlots)[number];
export const mealSlotLabels: Record<MealSlot, string> = {
  breakfast: 'Breakfast',
  lunch: 'Lunch',
  dinner: 'Dinner',
  snack: 'Snack',
};

/** The day a meal plan's week starts on (Monday unless a person's locale says otherwise). */
export const weekStarts = ['monday', 'sunday', 'saturday'] as const;
export type WeekStart = (typeof weekStarts)[number];
