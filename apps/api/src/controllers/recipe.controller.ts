import {
  actorFor,
  assertDeletable,
  assertEditable,
  assertReadyForReview,
  failedPrecondition,
  hasRole,
  isOwnerOrAdmin,
  isPublic,
  isSignedIn,
  notFound,
  parseRecipeContent,
  permissionDenied,
  planTransition,
  unauthenticated,
  type Caller,
  type LifecycleAction,
  type Performer,
  type Recipe,
  type RecipeContentInput,
  type RecipeEvent,
  type RecipeFilter,
  type RecipeKey,
  type RecipeSort,
  type RecipeSource,
  type RecipeStatus,
  type SignedInCaller,
} from '@yeet/domain';
import type { DataAccess } from '../stores/database.ts';
import type { RecipePage } from '../stores/recipe.store.ts';

export interface ListRecipesQuery {
  filter: Omit<RecipeFilter, 'authorId' | 'status'> & { status: RecipeStatus | null; mine: boolean };
  sort: RecipeSort;
  pageSize: number;
  pageToken: string;
}

/**
 * Business rules for recipes: visibility, editing, the lifecycle. Who may call which
 * method is declared in the RPC policy table and enforced before we get here; this class
 * applies the rules that depend on the recipe itself (its state, its author).
 */
export class RecipeController {
  readonly #data: DataAccess;

  constructor(data: DataAccess) {
    this.#data = data;
  }

  async list(caller: Caller, query: ListRecipesQuery): Promise<RecipePage> {
    const { mine, status, ...facets } = query.filter;
    let filter: RecipeFilter;
    if (mine) {
      if (!isSignedIn(caller)) throw unauthenticated('Sign in to list your own recipes.');
      filter = { ...facets, status, authorId: caller.user.id };
    } else {
      const wanted = status ?? 'published';
      if (!isPublic(wanted) && !hasRole(caller, 'editor')) {
        throw permissionDenied('Only editors can list recipes that are not published. Use `mine` to list your own.');
      }
      filter = { ...facets, status: wanted, authorId: null };
    }
    return this.#data.stores.recipes.list(filter, query.sort, query.pageSize, query.pageToken);
  }

  async get(caller: Caller, key: RecipeKey): Promise<Recipe> {
    const recipe = await this.#data.stores.recipes.get(key);
    // Unpublished recipes are hidden, not forbidden: their existence is nobody else's business.
    if (!recipe || !canSee(caller, recipe)) throw notFound('Recipe');
    return recipe;
  }

  /** `source`: where an imported recipe came from, kept with it. */
  async create(caller: SignedInCaller, input: RecipeContentInput, source: RecipeSource | null = null): Promise<Recipe> {
    const content = parseRecipeContent(input);
    return this.#data.transaction(async (s) => {
      const created = await s.recipes.create(caller.user.id, content);
      const recipe = source ? await s.recipes.setSource(created.id, source) : created;
      await s.events.record({
        recipeId: recipe.id,
        actorId: caller.user.id,
        action: 'create',
        fromStatus: null,
        toStatus: recipe.status,
        reason: null,
      });
      await s.jobs.reindexRecipe(recipe.id);
      return recipe;
    });
  }

  /** What `create` would make of `input`, checked the same way, without saving it (no id or slug). */
  async preview(caller: SignedInCaller, input: RecipeContentInput): Promise<Recipe> {
    const content = parseRecipeContent(input);
    const now = new Date();
    return {
      ...content,
      id: '',
      slug: '',
      status: 'draft',
      author: { id: caller.user.id, displayName: caller.user.displayName },
      rating: { average: 0, count: 0 },
      createdAt: now,
      updatedAt: now,
      publishedAt: null,
      version: 0,
      rejectionReason: null,
      cover: null,
      stepImages: {},
      source: null,
    };
  }

  async update(caller: SignedInCaller, id: string, input: RecipeContentInput, expectedVersion: number | null): Promise<Recipe> {
    const content = parseRecipeContent(input);
    return this.#data.transaction(async (s) => {
      const current = await s.recipes.getForUpdate(id);
      if (!current || !canSee(caller, current)) throw notFound('Recipe');
      assertEditable(current.status, performerFor(caller, current));
      // A recipe in review or published must stay complete while an editor edits it.
      if (current.status !== 'draft') assertReadyForReview(content);
      if (expectedVersion !== null && expectedVersion !== current.version) {
        throw failedPrecondition(
          `This recipe was changed by someone else (now version ${current.version}, you edited version ${expectedVersion}). Reload it and apply your changes again.`,
        );
      }
      await s.images.detachStepsFrom(id, content.steps.length);
      const updated = await s.recipes.updateContent(id, content);
      await s.events.record({
        recipeId: id,
        actorId: caller.user.id,
        action: 'update',
        fromStatus: current.status,
        toStatus: updated.status,
        reason: null,
      });
      await s.jobs.reindexRecipe(id);
      return updated;
    });
  }

  async delete(caller: SignedInCaller, id: string): Promise<void> {
    await this.#data.transaction(async (s) => {
      const current = await s.recipes.getForUpdate(id);
      if (!current || !canSee(caller, current)) throw notFound('Recipe');
      assertDeletable(current.status);
      await s.recipes.delete(id);
    });
  }

  /** Every lifecycle action: check it is legal from the current state, apply it, record it. */
  async transition(caller: SignedInCaller, id: string, action: LifecycleAction, reason: string): Promise<Recipe> {
    return this.#data.transaction(async (s) => {
      const current = await s.recipes.getForUpdate(id);
      if (!current || !canSee(caller, current)) throw notFound('Recipe');
      const planned = planTransition(current.status, action, actorFor(caller, current.author.id), reason);
      if (action === 'submit') assertReadyForReview(current);
      const updated = await s.recipes.changeStatus(id, {
        status: planned.to,
        publishedAt: planned.to === 'published' ? new Date() : planned.to === 'archived' ? current.publishedAt : null,
        rejectionReason: action === 'reject' ? planned.reason : null,
      });
      await s.events.record({
        recipeId: id,
        actorId: caller.user.id,
        action,
        fromStatus: planned.from,
        toStatus: planned.to,
        reason: planned.reason,
      });
      await s.jobs.reindexRecipe(id);
      return updated;
    });
  }

  async history(caller: Caller, id: string): Promise<RecipeEvent[]> {
    const recipe = await this.#data.stores.recipes.get({ id });
    if (!recipe || !canSee(caller, recipe)) throw notFound('Recipe');
    return this.#data.stores.events.listForRecipe(id);
  }
}

/** Published recipes are public; the rest only for their author, editors and admins. */
export function canSee(caller: Caller, recipe: Recipe): boolean {
  return isPublic(recipe.status) || isOwnerOrAdmin(caller, recipe.author.id) || hasRole(caller, 'editor');
}

/** The author edits as owner unless they also hold the editor role, which allows more. */
function performerFor(caller: SignedInCaller, recipe: Recipe): Performer {
  return hasRole(caller, 'editor') || recipe.author.id !== caller.user.id ? 'editor' : 'owner';
}
