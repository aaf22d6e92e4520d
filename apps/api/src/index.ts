export { createApi, type Api, type ApiDependencies } from './app.ts';
export { createStorage } from './images/create-images.ts';
export { imageSizes } from './images/urls.ts';
export { devRolesHeader, devUserHeader } from './rpc/identity.ts';
export type { JobCatalogue, TaskHandler } from './jobs/tasks.ts';
export { searchChangedChannel } from './search/postgres.engine.ts';
export { serveMcpOverStdio } from './mcp/stdio.ts';
