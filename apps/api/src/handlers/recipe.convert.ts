import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  Difficulty as PbDifficulty,
  RecipeStatus as PbRecipeStatus,
  dietaryFlagValues,
  difficultyValues,
  mealTypeValues,
  recipeSortValues,
  recipeStatusValues,
  type RatingSchema,
  type RecipeEventSchema,
  type ListRecipesRequest,
  type RecipeInput,
  type ImageSchema,
  type RecipeSchema,
} from '@yeet/contract';
import {
  invalidField,
  kebab,
  type Difficulty,
  type ImageRef,
  type Rating,
  type Recipe,
  type RecipeCard,
  type RecipeContentInput,
  type RecipeEvent,
} from '@yeet/domain';
import type { ListRecipesQuery } from '../controllers/recipe.controller.ts';
import type { ImageUrls, ImageVariant } from '../images/urls.ts';
import { contentEnums, filterEnums, optionalEnum } from './enums.ts';

/** proto ⇄ domain for recipes; enum values through the contract's value maps. */
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
    difficulty: input?.difficulty ? (contentEnums([input.difficulty], difficultyValues)[0] as Difficulty) : null,
    cuisines: input?.cuisines ?? [],
    mealTypes: contentEnums(input?.mealTypes ?? [], mealTypeValues),
    tags: input?.tags ?? [],
    dietaryFlags: contentEnums(input?.dietaryFlags ?? [], dietaryFlagValues),
  };
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
      mealTypes: filterEnums(f?.mealTypes ?? [], mealTypeValues, 'filter.mealTypes'),
      difficulties: filterEnums(f?.difficulties ?? [], difficultyValues, 'filter.difficulties'),
      tags: (f?.tags ?? []).map(kebab).filter(Boolean),
      dietaryFlags: filterEnums(f?.dietaryFlags ?? [], dietaryFlagValues, 'filter.dietaryFlags'),
      maxTotalMinutes: f?.maxTotalMinutes ? f.maxTotalMinutes : null,
      status: optionalEnum(f?.status ?? 0, recipeStatusValues, 'filter.status'),
      mine: f?.mine ?? false,
    },
    sort: optionalEnum(req.sort, recipeSortValues, 'sort') ?? 'newest',
    pageSize: pageSizeToDomain(req.pageSize),
    pageToken: req.pageToken,
  };
}

export const defaultPageSize = 20;
export const maxPageSize = 100;

const ts = (d: Date) => timestampFromDate(d);

/** A recipe, or a search hit's card of one (its message then carries the card's fields only). */
export type RecipeToProto = (r: Recipe | RecipeCard) => MessageInitShape<typeof RecipeSchema>;

/** Recipes as messages, with signed URLs minted for their images. */
export function recipeConverter(urls: ImageUrls): RecipeToProto {
  return (r) => recipeToProto(r, urls);
}

function imageToProto(ref: ImageRef, variants: ImageVariant[]): MessageInitShape<typeof ImageSchema> {
  return { id: ref.id, width: ref.width, height: ref.height, placeholder: ref.placeholder ?? '', variants };
}

function recipeToProto(r: Recipe | RecipeCard, urls: ImageUrls): MessageInitShape<typeof RecipeSchema> {
  const card = {
    id: r.id,
    slug: r.slug,
    title: r.title,
    summary: r.summary,
    ...(r.cover ? { coverImage: imageToProto(r.cover, urls.cover(r.cover)) } : {}),
    servings: r.servings,
    prepMinutes: r.prepMinutes,
    cookMinutes: r.cookMinutes,
    totalMinutes: r.totalMinutes,
    difficulty: r.difficulty ? difficultyValues.toProto(r.difficulty) : PbDifficulty.UNSPECIFIED,
    cuisines: r.cuisines,
    mealTypes: r.mealTypes.map(mealTypeValues.toProto),
    tags: r.tags,
    dietaryFlags: r.dietaryFlags.map(dietaryFlagValues.toProto),
    status: recipeStatusValues.toProto(r.status),
    rating: { average: r.rating.average, count: r.rating.count },
    ...(r.publishedAt ? { publishTime: ts(r.publishedAt) } : {}),
  };
  if (!('ingredientSections' in r)) return card;
  return {
    ...card,
    ingredientSections: r.ingredientSections.map((s) => ({
      name: s.name,
      ingredients: s.ingredients.map((i) => ({
        ...(i.quantity === null ? {} : { quantity: i.quantity }),
        unit: i.unit,
        item: i.item,
        note: i.note,
      })),
    })),
    steps: r.steps.map((s, i) => {
      const photo = r.stepImages[i];
      return photo ? { text: s.text, image: imageToProto(photo, urls.step(photo)) } : { text: s.text };
    }),
    author: { id: r.author.id, displayName: r.author.displayName },
    createTime: ts(r.createdAt),
    updateTime: ts(r.updatedAt),
    version: r.version,
    rejectionReason: r.rejectionReason ?? '',
    ...(r.source ? { source: { url: r.source.url, siteName: r.source.siteName } } : {}),
  };
}

export function eventToProto(e: RecipeEvent): MessageInitShape<typeof RecipeEventSchema> {
  return {
    id: e.id,
    action: e.action,
    fromStatus: e.fromStatus ? recipeStatusValues.toProto(e.fromStatus) : PbRecipeStatus.UNSPECIFIED,
    toStatus: recipeStatusValues.toProto(e.toStatus),
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
