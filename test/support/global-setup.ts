import { startTestServer } from '@yeet/db/testing';
import type { TestProject } from 'vitest/node';
import { buildWeb } from '../../scripts/build-web.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabaseServer: { adminUrl: string; template: string };
  }
}

export default async function setup(project: TestProject) {
  // The web app is built once per run, as `npm start` builds it: the smoke and browser
  // tests serve what ships (vitest's NODE_ENV=test would build React's development code);
  // a build of the same sources is reused.
  const building = buildWeb();
  const server = await startTestServer();
  await building;
  project.provide('testDatabaseServer', { adminUrl: server.adminUrl, template: server.template });
  return () => server.stop();
}
