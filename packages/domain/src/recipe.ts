import type { UserRef } from './caller.ts';
import type { ImageRef } from './image.ts';
import type { DietaryFlag, Difficulty, MealType, RecipeStatus } from './values.ts';

export interface Ingredient {
  /** null for "to taste". */
  quantity: number | null;
  unit: string;
  item: string;
  note: string;
}

export interface IngredientSection {
  name: string;
  ingredients: Ingredient[];
}

export interface Step {
  text: string;
}

/** Everything an author writes about a recipe. */
export interface RecipeContent {
  title: string;
  summary: string;
  ingredientSections: IngredientSection[];
  steps: Step[];
  servings: number;
  prepMinutes: number;
  cookMinutes: number;
  totalMinutes: number;
  /** null while a draft has not chosen one yet. */
  difficulty: Difficulty | null;
  cuisines: string[];
  mealTypes: MealType[];
  tags: string[];
  dietaryFlags: DietaryFlag[];
}

export interface RatingSummary {
  average: number;
  count: number;
}

export interface Recipe extends RecipeContent {
  id: string;
  slug: string;
  status: RecipeStatus;
  author: UserRef;
  rating: RatingSummary;
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
  version: number;
  /** The editor's reason when the last transition was a rejection. */
  rejectionReason: string | null;
  cover: ImageRef | null;
  /** Photos of steps, by the step's index. */
  stepImages: Record<number, ImageRef>;
  /** The page an imported recipe was adapted from; null for recipes written here. */
  source: RecipeSource | null;
}

/**
 * What a list of results shows of a published recipe (a search hit): enough for its card and
 * its link, not its ingredients, steps or history (GetRecipe has those).
 */
export type RecipeCard = Pick<
  Recipe,
  | 'id'
  | 'slug'
  | 'status'
  | 'title'
  | 'summary'
  | 'servings'
  | 'prepMinutes'
  | 'cookMinutes'
  | 'totalMinutes'
  | 'difficulty'
  | 'cuisines'
  | 'mealTypes'
  | 'tags'
  | 'dietaryFlags'
  | 'rating'
  | 'publishedAt'
  | 'cover'
>;

/** The card of a recipe read whole (docs/decisions/0036-search-hits-from-memory.md). */
export function recipeCard(r: Recipe): RecipeCard {
  return {
    id: r.id,
    slug: r.slug,
    status: r.status,
    title: r.title,
    summary: r.summary,
    servings: r.servings,
    prepMinutes: r.prepMinutes,
    cookMinutes: r.cookMinutes,
    totalMinutes: r.totalMinutes,
    difficulty: r.difficulty,
    cuisines: r.cuisines,
    mealTypes: r.mealTypes,
    tags: r.tags,
    dietaryFlags: r.dietaryFlags,
    rating: r.rating,
    publishedAt: r.publishedAt,
    cover: r.cover,
  };
}

/** Where an imported recipe came from: shown as "Adapted from <site>" and in JSON-LD isBasedOn. */
export interface RecipeSource {
  url: string;
  siteName: string;
}

export type RecipeKey = { id: string } | { slug: string };

export interface RecipeFilter {
  cuisines: string[];
  mealTypes: MealType[];
  difficulties: Difficulty[];
  tags: string[];
  dietaryFlags: DietaryFlag[];
  maxTotalMinutes: number | null;
  /** null: any state (only when listing one author's recipes). */
  status: RecipeStatus | null;
  /** Restrict to this author's recipes. */
  authorId: string | null;
}
