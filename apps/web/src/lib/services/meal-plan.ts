// One service's descriptors, loaded on its client's first call (lib/rpc.ts).
export { MealPlanService as service } from '@yeet/contract';
