// One service's descriptors, loaded on its client's first call (lib/rpc.ts).
export { RecipeService as service } from '@yeet/contract';
