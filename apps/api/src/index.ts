export { createApi, type Api, type ApiDependencies } from './app.ts';
export { devRolesHeader, devUserHeader } from './rpc/identity.ts';
export type { JobCatalogue, TaskHandler } from './jobs/tasks.ts';
export { searchChangedChannel } from './search/postgres.engine.ts';
