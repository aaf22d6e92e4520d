import { createTestDatabase, type TestDatabase } from '@yeet/db/testing';
import { imageFormats, recipeEventLabels } from '@yeet/domain';
import { dietaryFlags, difficulties, imageSlots, mealTypes, recipeStatuses, roles } from '@yeet/domain/values';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';

/**
 * The database checks the same value sets as the domain: adding a value to a list in
 * @yeet/domain needs a migration too, and this fails until it has one.
 */
let database: TestDatabase;
let checks: Array<{ table: string; definition: string }>;

beforeAll(async () => {
  database = await createTestDatabase(inject('testDatabaseServer'));
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const result = await client.query<{ table: string; definition: string }>(
    `select conrelid::regclass::text as table, pg_get_constraintdef(oid) as definition from pg_constraint where contype = 'c'`,
  );
  checks = result.rows;
  await client.end();
});
afterAll(() => database?.drop());

/** Every quoted value the checks on `table`.`column` accept. */
function allowed(table: string, column: string): string[] {
  const mentions = new RegExp(`\\b${column}\\b`);
  const values = checks
    .filter((c) => c.table === table && mentions.test(c.definition))
    .flatMap((c) => [...c.definition.matchAll(/'([^']*)'::text/g)].map(([, value = '']) => value));
  return [...new Set(values)].sort();
}

describe('the value sets in the database', () => {
  it.each([
    ['recipes', 'status', recipeStatuses],
    ['recipes', 'difficulty', difficulties],
    ['recipes', 'meal_types', mealTypes],
    ['recipes', 'dietary_flags', dietaryFlags],
    ['recipe_events', 'from_status', recipeStatuses],
    ['recipe_events', 'to_status', recipeStatuses],
    ['recipe_events', 'action', Object.keys(recipeEventLabels)],
    ['users', 'roles', roles],
    ['recipe_images', 'kind', imageSlots],
    ['images', 'format', imageFormats],
  ] as const)('%s.%s accepts exactly the domain’s values', (table, column, values) => {
    expect(allowed(table, column)).toEqual([...values].sort());
  });
});
