// The API contract: messages and services generated from proto/yeet/v1.
export * from './gen/yeet/v1/common_pb.js';
export * from './gen/yeet/v1/recipe_pb.js';
export * from './gen/yeet/v1/search_pb.js';
export * from './gen/yeet/v1/user_pb.js';
export * from './gen/yeet/v1/image_pb.js';
export * from './gen/yeet/v1/audit_pb.js';
export * from './gen/yeet/v1/collection_pb.js';
export * from './gen/yeet/v1/shopping_pb.js';
export * from './gen/yeet/v1/meal_plan_pb.js';
export * from './gen/yeet/v1/telemetry_pb.js';
// Hand-written: the enums above ⇄ the domain's value names.
export * from './values.ts';
