import type { AuditService, ImageService, MealPlanService, RecipeService, SearchService, UserService } from '@yeet/contract';
import type { ShoppingListService } from '@yeet/contract';
import type { CollectionService } from '@yeet/contract';
import type { TelemetryService } from '@yeet/contract';
import { lifecyclePolicy, ownerOf, publicAccess, role, signedIn, type PolicyTable } from './policy.ts';

/**
 * The access policy of every RPC method, in one place. A method missing here does not
 * compile, and the authorization tests walk this table.
 */
export const recipePolicies: PolicyTable<typeof RecipeService> = {
  listRecipes: publicAccess,
  getRecipe: publicAccess,
  createRecipe: role('author'),
  updateRecipe: ownerOf('recipe', (r) => r.id, 'editor'),
  deleteRecipe: ownerOf('recipe', (r) => r.id),
  submitRecipe: lifecyclePolicy('submit'),
  approveRecipe: lifecyclePolicy('approve'),
  rejectRecipe: lifecyclePolicy('reject'),
  unpublishRecipe: lifecyclePolicy('unpublish'),
  archiveRecipe: lifecyclePolicy('archive'),
  getRecipeHistory: ownerOf('recipe', (r) => r.id, 'editor'),
  rateRecipe: signedIn,
  listRatings: publicAccess,
  // The draft is the caller's; the fetch is counted at a higher cost (limits/rpc.ts).
  importRecipe: role('author'),
};

export const searchPolicies: PolicyTable<typeof SearchService> = {
  searchRecipes: publicAccess,
  suggestRecipes: publicAccess,
};

export const userPolicies: PolicyTable<typeof UserService> = {
  getMe: signedIn,
  getViewer: signedIn,
  updateProfile: signedIn,
  listUsers: role('admin'),
  setUserRoles: role('admin'),
  deleteMyAccount: signedIn,
  exportMyData: signedIn,
  deleteUser: role('admin'),
  // The person whose data it is, or an admin.
  requestDataExport: ownerOf('user', (r) => r.userId),
  getDataExport: ownerOf('export', (r) => r.id),
  listDataExports: ownerOf('user', (r) => r.userId),
};

export const imagePolicies: PolicyTable<typeof ImageService> = {
  createUpload: role('author'),
  attachImage: ownerOf('recipe', (r) => r.recipeId, 'editor'),
  detachImage: ownerOf('recipe', (r) => r.recipeId, 'editor'),
};

export const auditPolicies: PolicyTable<typeof AuditService> = {
  listEvents: role('admin'),
};

/**
 * Owner-only: every method finds the collection by id *and* the caller, so someone else's
 * collection is not_found, as an unknown id is, for admins too (CollectionController). A
 * shared collection is read by anyone holding its token, and shows nothing but its name and
 * published recipes.
 */
export const collectionPolicies: PolicyTable<typeof CollectionService> = {
  listCollections: signedIn,
  getCollection: signedIn,
  createCollection: signedIn,
  renameCollection: signedIn,
  deleteCollection: signedIn,
  addRecipeToCollection: signedIn,
  removeRecipeFromCollection: signedIn,
  saveRecipe: signedIn,
  listSavedRecipes: signedIn,
  shareCollection: signedIn,
  unshareCollection: signedIn,
  getSharedCollection: publicAccess,
};

/**
 * A meal plan is its owner's alone: signed in, and every method acts on the caller's own plan
 * (the controller scopes each read and write to the caller). The calendar feed is read by a
 * calendar app holding the feed's private token, and by nothing else.
 */
export const mealPlanPolicies: PolicyTable<typeof MealPlanService> = {
  getMealPlan: signedIn,
  addMealPlanEntry: signedIn,
  moveMealPlanEntry: signedIn,
  updateMealPlanEntry: signedIn,
  removeMealPlanEntry: signedIn,
  addMealPlanToShoppingList: signedIn,
  getMealPlanFeed: signedIn,
  createMealPlanFeed: signedIn,
  revokeMealPlanFeed: signedIn,
  getMealPlanCalendar: publicAccess,
};

/**
 * Owner-only: every method acts on the caller's own list (ShoppingListController scopes each
 * read and write to the caller), so someone else's item is not_found, for admins too.
 */
export const shoppingListPolicies: PolicyTable<typeof ShoppingListService> = {
  getShoppingList: signedIn,
  addRecipeToShoppingList: signedIn,
  addShoppingListItem: signedIn,
  updateShoppingListItem: signedIn,
  removeShoppingListItem: signedIn,
  clearCheckedShoppingListItems: signedIn,
};

/**
 * gRPC server reflection (v1 and v1alpha, one table for both): public like the rest of the
 * API's discovery. It describes the methods, which anyone can read in docs/api.md anyway,
 * and never a caller's data.
 */
export const reflectionPolicies = {
  serverReflectionInfo: publicAccess,
} as const;

/** Any visitor's browser reports how the site performed for it; counted as a write by the rate limits. */
export const telemetryPolicies: PolicyTable<typeof TelemetryService> = {
  reportWebVitals: publicAccess,
};
