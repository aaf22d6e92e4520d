import type { Recipe } from './recipe.ts';
import { invalidField } from './errors.ts';
import { isPublic } from './lifecycle.ts';
import { hasControlCharacters } from './text.ts';

/** The built-in collection every person has: saved with one tap, never renamed or deleted. */
export const favouritesName = 'Favourites';
export const maxCollectionNameLength = 60;
/** Enough for any kitchen; a bound so one person cannot grow a table without limit. */
export const maxCollectionsPerPerson = 200;
export const maxRecipesPerCollection = 1000;

export interface Collection {
  id: string;
  ownerId: string;
  name: string;
  favourites: boolean;
  recipeCount: number;
  /** Set while shared. */
  shareToken: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * A recipe in a collection, as one viewer sees it: `recipe` only when the viewer may see its
 * content (it is published, or the viewer wrote it); otherwise the entry shows as unavailable.
 */
export interface CollectionEntry {
  recipeId: string;
  addedAt: Date;
  available: boolean;
  recipe: Recipe | null;
}

/** A collection's name, trimmed; 1-60 characters, no control characters. */
export function parseCollectionName(name: string, field = 'name'): string {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw invalidField(field, 'give the collection a name, e.g. "Weeknight"');
  if (trimmed.length > maxCollectionNameLength) {
    throw invalidField(field, `must be at most ${maxCollectionNameLength} characters`);
  }
  if (hasControlCharacters(trimmed)) throw invalidField(field, 'contains control characters; remove them');
  return trimmed;
}

/** A person can save any published recipe, and their own recipes in any state. */
export const canSave = (recipe: Pick<Recipe, 'status' | 'author'>, userId: string): boolean =>
  isPublic(recipe.status) || recipe.author.id === userId;

/**
 * What a viewer sees of a saved recipe: everything when it is published; its author sees
 * their own unpublished recipe (marked unavailable); anyone else sees only that something
 * unavailable is there. `viewerId` is null for a shared link's reader.
 */
export function entryFor(recipe: Recipe, addedAt: Date, viewerId: string | null): CollectionEntry {
  const available = isPublic(recipe.status);
  const visible = available || (viewerId !== null && recipe.author.id === viewerId);
  return { recipeId: recipe.id, addedAt, available, recipe: visible ? recipe : null };
}
