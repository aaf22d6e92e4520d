import { startTestServer } from '@yeet/db/testing';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabaseServer: { adminUrl: string; template: string };
  }
}

export default async function setup(project: TestProject) {
  const server = await startTestServer();
  project.provide('testDatabaseServer', { adminUrl: server.adminUrl, template: server.template });
  return () => server.stop();
}
