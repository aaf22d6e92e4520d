import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Row types of the tables in migrations/. Stores convert these to domain entities. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A column written by the database only. */
type ReadOnly<T> = ColumnType<T, never, never>;

export interface AppMetaTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  updated_at: Timestamp;
}

export interface UsersTable {
  id: Generated<string>;
  issuer: string;
  subject: string;
  display_name: string;
  email: string | null;
  roles: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Set when the account was deleted: the row is a pseudonym from then on. */
  deleted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** jsonb columns: read as parsed JSON, written as a JSON string. */
type Json<T> = ColumnType<T, string, string>;

export interface IngredientRow {
  quantity: number | null;
  unit: string;
  item: string;
  note: string;
}

export interface IngredientSectionRow {
  name: string;
  ingredients: IngredientRow[];
}

export interface StepRow {
  text: string;
}

export interface RecipesTable {
  id: Generated<string>;
  slug: string;
  author_id: string;
  status: ColumnType<string, string | undefined, string>;
  title: string;
  summary: string;
  ingredient_sections: Json<IngredientSectionRow[]>;
  steps: Json<StepRow[]>;
  servings: number;
  prep_minutes: number;
  cook_minutes: number;
  total_minutes: number;
  difficulty: string | null;
  cuisines: string[];
  meal_types: string[];
  tags: string[];
  dietary_flags: string[];
  rating_count: ColumnType<number, number | undefined, number>;
  rating_sum: ColumnType<number, number | undefined, number>;
  rating_score: ReadOnly<number>;
  rejection_reason: string | null;
  version: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  published_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Where an imported recipe came from (migration 0013); null for recipes written here. */
  source_url: ColumnType<string | null, string | null | undefined, string | null>;
  source_name: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface RecipeEventsTable {
  id: ColumnType<string, never, never>;
  recipe_id: string;
  actor_id: string;
  action: string;
  from_status: string | null;
  to_status: string;
  reason: string | null;
  created_at: Timestamp;
}

export interface RatingsTable {
  recipe_id: string;
  user_id: string;
  stars: number;
  review: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AccountsTable {
  id: Generated<string>;
  email: string;
  display_name: string;
  password_hash: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_sign_in_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface OidcPayloadsTable {
  model: string;
  id: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  expires_at: ColumnType<Date | null, Date | null, Date | null>;
  consumed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface EndedWebSessionsTable {
  id: string;
  ended_at: Timestamp;
  expires_at: ColumnType<Date, Date, Date>;
}

export interface UploadsTable {
  id: string;
  owner_id: string;
  expires_at: ColumnType<Date, Date, Date>;
  confirmed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: Timestamp;
}

export interface ImagesTable {
  id: string;
  owner_id: string;
  format: string;
  byte_size: number;
  width: number;
  height: number;
  placeholder: string | null;
  processed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: Timestamp;
}

export interface RecipeImagesTable {
  recipe_id: string;
  kind: string;
  position: ColumnType<number, number | undefined, number>;
  image_id: string;
}

export interface IdempotencyKeysTable {
  caller_id: string;
  key: string;
  method: string;
  fingerprint: Buffer;
  created_at: Timestamp;
  claimed_at: Timestamp;
  completed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  response: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  error: ColumnType<StoredRpcError | null, string | null | undefined, string | null>;
}

/** A Connect error as an idempotency key keeps it: details are protobuf Any parts, base64. */
export interface StoredRpcError {
  code: number;
  message: string;
  details: Array<{ type: string; value: string }>;
}

export interface Database {
  app_meta: AppMetaTable;
  users: UsersTable;
  recipes: RecipesTable;
  recipe_events: RecipeEventsTable;
  ratings: RatingsTable;
  accounts: AccountsTable;
  oidc_payloads: OidcPayloadsTable;
  ended_web_sessions: EndedWebSessionsTable;
  uploads: UploadsTable;
  images: ImagesTable;
  recipe_images: RecipeImagesTable;
  idempotency_keys: IdempotencyKeysTable;
  audit_events: AuditEventsTable;
  data_exports: DataExportsTable;
  collections: CollectionsTable;
  collection_recipes: CollectionRecipesTable;
  meal_plan_entries: MealPlanEntriesTable;
  meal_plan_feeds: MealPlanFeedsTable;
  shopping_list_items: ShoppingListItemsTable;
  shopping_list_item_sources: ShoppingListItemSourcesTable;
}

/** Role changes, account deletions and other admin actions (lifecycle events are in recipe_events). */
export interface AuditEventsTable {
  id: ReadOnly<string>;
  kind: string;
  actor_id: string | null;
  subject_id: string | null;
  detail: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Timestamp;
}

/** A recipe or a note in a day's slot of someone's meal plan. */
export interface MealPlanEntriesTable {
  id: Generated<string>;
  user_id: string;
  /** A calendar day, written "YYYY-MM-DD"; read it with to_char (pg parses a date into a local-time Date). */
  day: ColumnType<string, string, string>;
  slot: string;
  position: number;
  recipe_id: string | null;
  servings: number | null;
  note: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The private token of someone's calendar feed. */
export interface MealPlanFeedsTable {
  user_id: string;
  token: string;
  created_at: Timestamp;
}

/** A person's saved recipes: Favourites and named collections (migration 0011). */
export interface CollectionsTable {
  id: Generated<string>;
  owner_id: string;
  name: string;
  favourites: ColumnType<boolean, boolean | undefined, boolean>;
  share_token: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CollectionRecipesTable {
  collection_id: string;
  recipe_id: string;
  added_at: Timestamp;
}

/** An archive of a person's data (migration 0010): built by a job, downloadable until it expires. */
export interface DataExportsTable {
  id: string;
  user_id: string;
  requested_by: string | null;
  status: ColumnType<'preparing' | 'ready' | 'failed', 'preparing' | undefined, 'ready' | 'failed'>;
  byte_size: ColumnType<string | null, never, number>;
  sha256: ColumnType<string | null, never, string>;
  error: ColumnType<string | null, never, string>;
  created_at: Timestamp;
  ready_at: ColumnType<Date | null, never, Date>;
  expires_at: ColumnType<Date | null, never, Date>;
}

export type RecipeRow = Selectable<RecipesTable>;
export type NewRecipeRow = Insertable<RecipesTable>;
export type RecipeUpdate = Updateable<RecipesTable>;
export type UserRow = Selectable<UsersTable>;
export type RecipeEventRow = Selectable<RecipeEventsTable>;
export type RatingRow = Selectable<RatingsTable>;
export type AccountRow = Selectable<AccountsTable>;

/** A line of someone's shopping list (migration 0012). */
export interface ShoppingListItemsTable {
  id: Generated<string>;
  user_id: string;
  item: string;
  item_key: string;
  quantity: number | null;
  unit: string;
  note: string;
  aisle: string;
  checked: ColumnType<boolean, boolean | undefined, boolean>;
  version: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type ShoppingListItemRow = Selectable<ShoppingListItemsTable>;

/** A recipe a shopping-list line came from, at the servings last added. */
export interface ShoppingListItemSourcesTable {
  item_id: string;
  recipe_id: string;
  servings: number;
  added_at: Timestamp;
}
