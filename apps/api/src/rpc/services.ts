import { AuditService, ImageService, MealPlanService, RecipeService, SearchService, UserService } from '@yeet/contract';
import { ShoppingListService } from '@yeet/contract';
import { CollectionService } from '@yeet/contract';
import { TelemetryService } from '@yeet/contract';
import type { AuditController } from '../controllers/audit.controller.ts';
import type { CollectionController } from '../controllers/collection.controller.ts';
import type { ExportController } from '../controllers/export.controller.ts';
import type { ImageController } from '../controllers/image.controller.ts';
import type { ImportController } from '../controllers/import.controller.ts';
import type { MealPlanController } from '../controllers/meal-plan.controller.ts';
import type { RatingController } from '../controllers/rating.controller.ts';
import type { RecipeController } from '../controllers/recipe.controller.ts';
import type { SearchController } from '../controllers/search.controller.ts';
import type { ShoppingListController } from '../controllers/shopping-list.controller.ts';
import type { TelemetryController } from '../controllers/telemetry.controller.ts';
import type { UserController } from '../controllers/user.controller.ts';
import { auditHandlers } from '../handlers/audit.handler.ts';
import { collectionHandlers } from '../handlers/collection.handler.ts';
import { imageHandlers } from '../handlers/image.handler.ts';
import { mealPlanHandlers } from '../handlers/meal-plan.handler.ts';
import type { RecipeToProto } from '../handlers/recipe.convert.ts';
import { recipeHandlers } from '../handlers/recipe.handler.ts';
import { searchHandlers } from '../handlers/search.handler.ts';
import { shoppingHandlers } from '../handlers/shopping.handler.ts';
import { telemetryHandlers } from '../handlers/telemetry.handler.ts';
import { userHandlers } from '../handlers/user.handler.ts';
import { auditPolicies, imagePolicies, mealPlanPolicies, recipePolicies, searchPolicies, userPolicies } from './policies.ts';
import { shoppingListPolicies } from './policies.ts';
import { collectionPolicies } from './policies.ts';
import { telemetryPolicies } from './policies.ts';
import { reflectionServices } from './reflection.ts';
import { secured, type SecuredService } from './router.ts';

export interface Controllers {
  recipes: RecipeController;
  ratings: RatingController;
  search: SearchController;
  images: ImageController;
  users: UserController;
  exports: ExportController;
  audit: AuditController;
  collections: CollectionController;
  importer: ImportController;
  shoppingLists: ShoppingListController;
  mealPlans: MealPlanController;
  telemetry: TelemetryController;
}

/** Every service the API serves, with its handlers and its policy table, and gRPC reflection describing them. */
export function apiServices(c: Controllers, recipeToProto: RecipeToProto): SecuredService[] {
  const services = [
    secured(RecipeService, recipeHandlers(c.recipes, c.ratings, recipeToProto, c.importer), recipePolicies),
    secured(SearchService, searchHandlers(c.search, recipeToProto), searchPolicies),
    secured(ImageService, imageHandlers(c.images, recipeToProto), imagePolicies),
    secured(UserService, userHandlers(c.users, c.exports), userPolicies),
    secured(AuditService, auditHandlers(c.audit), auditPolicies),
    secured(CollectionService, collectionHandlers(c.collections, recipeToProto), collectionPolicies),
    secured(ShoppingListService, shoppingHandlers(c.shoppingLists), shoppingListPolicies),
    secured(MealPlanService, mealPlanHandlers(c.mealPlans), mealPlanPolicies),
    secured(TelemetryService, telemetryHandlers(c.telemetry), telemetryPolicies),
  ];
  return [...services, ...reflectionServices(services)];
}
