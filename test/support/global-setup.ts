import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestServer } from '@yeet/db/testing';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabaseServer: { adminUrl: string; template: string };
  }
}

const root = path.resolve(import.meta.dirname, '../..');

export default async function setup(project: TestProject) {
  // The web app is built once per run, as `npm start` builds it: the smoke and browser
  // tests serve what ships (vitest's NODE_ENV=test would build React's development code).
  const building = promisify(execFile)(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build'], {
    cwd: path.join(root, 'apps/web'),
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const server = await startTestServer();
  await building;
  project.provide('testDatabaseServer', { adminUrl: server.adminUrl, template: server.template });
  return () => server.stop();
}
