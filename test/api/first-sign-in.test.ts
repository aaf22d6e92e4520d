import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * A person's first sign-in often arrives as several requests at once (the page and its
 * API calls). They must all see the same person, and the first person stays admin.
 */
let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.stop();
});

it('concurrent first requests of the first person create one admin, not a demoted user', async () => {
  const users = t.platform.api!.users;
  const identity = {
    issuer: 'https://idp.example.test/',
    subject: 'first-person',
    roles: null,
    profile: async () => ({ displayName: 'First Person', email: 'first@example.test' }),
  };
  const callers = await Promise.all(Array.from({ length: 8 }, () => users.identify(identity)));

  expect(new Set(callers.map((c) => c.user.id)).size).toBe(1);
  for (const caller of callers) expect(caller.roles).toContain('admin');

  const db = new pg.Client({ connectionString: t.database.url });
  await db.connect();
  try {
    const { rows } = await db.query('select roles from users where subject = $1', ['first-person']);
    expect(rows).toHaveLength(1);
    expect(rows[0].roles).toContain('admin');
  } finally {
    await db.end();
  }
});
