import type { ProcessRole } from '@yeet/platform';

/** The parts of the platform each `--role` runs: `all` runs every part, the others one each. */
export const runs = {
  api: (role: ProcessRole) => role === 'all' || role === 'api',
  web: (role: ProcessRole) => role === 'all' || role === 'web',
  worker: (role: ProcessRole) => role === 'all' || role === 'worker',
  img: (role: ProcessRole) => role === 'all' || role === 'img',
};

/** The API and the worker keep their state in PostgreSQL; the web app and the resizer alone need none. */
export const needsDatabase = (role: ProcessRole): boolean => runs.api(role) || runs.worker(role);
