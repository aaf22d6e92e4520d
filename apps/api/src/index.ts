export { createApi, type Api, type ApiDependencies, type SearchIndex } from './app.ts';
export { createStorage } from './images/create-images.ts';
export { imageSizes } from './images/urls.ts';
export { devRolesHeader, devUserHeader } from './rpc/identity.ts';
export type { JobCatalogue, ScheduledBackup, TaskDefinition } from './jobs/tasks.ts';
export type { TaskName, TracedPayload } from './stores/job.store.ts';
export { reindexAll as reindexSearch, searchChangedChannel } from './search/postgres.engine.ts';
export { serveMcpOverStdio } from './mcp/stdio.ts';
export { rpcUrl } from './rpc/root-path.ts';
