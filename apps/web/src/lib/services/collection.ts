// One service's descriptors, loaded on its client's first call (lib/rpc.ts).
export { CollectionService as service } from '@yeet/contract';
