import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase } from '../src/connect.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing.ts';

let database: TestDatabase;
let observer: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase(inject('testDatabaseServer'));
  observer = new pg.Client({ connectionString: database.url });
  await observer.connect();
});

afterAll(async () => {
  await observer?.end();
  await database?.drop();
});

describe('connectDatabase', () => {
  it('close() resolves once every connection is closed, so a server stopped next ends none of them', async () => {
    const applicationName = `close-test-${randomBytes(4).toString('hex')}`;
    const connections = async () =>
      Number(
        (
          await observer.query<{ n: string }>('select count(*) as n from pg_stat_activity where application_name = $1', [
            applicationName,
          ])
        ).rows[0]?.n,
      );
    const handle = connectDatabase(database.url, { poolMax: 8, applicationName });
    await Promise.all(Array.from({ length: 8 }, () => handle.pool.query('select pg_sleep(0.05)')));
    expect(await connections()).toBe(8);

    await handle.close();
    expect(await connections()).toBe(0);
    await handle.close(); // again: nothing left to do
  });
});
