import { afterEach, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type DatabaseHandle } from '../src/connect.ts';
import { migrateToLatest, MigrationError, pendingMigrations } from '../src/migrate.ts';
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from '../src/testing.ts';

/** What docs/runbooks/bad-migration.md tells operators, checked against the real migrator. */
const server = () => inject('testDatabaseServer');
const open: Array<{ handle: DatabaseHandle; drop: () => Promise<void> }> = [];

afterEach(async () => {
  for (const { handle, drop } of open.splice(0)) {
    await handle.close();
    await drop();
  }
});

/** A database with no migration applied. */
async function emptyDatabase(): Promise<DatabaseHandle> {
  const database = await createEmptyDatabase(server());
  const handle = connectDatabase(database.url, { poolMax: 1 });
  open.push({ handle, drop: database.drop });
  return handle;
}

async function migratedDatabase(): Promise<DatabaseHandle> {
  const database: TestDatabase = await createTestDatabase(server());
  const handle = connectDatabase(database.url, { poolMax: 1 });
  open.push({ handle, drop: database.drop });
  return handle;
}

const tableExists = async (handle: DatabaseHandle, table: string) =>
  (await handle.pool.query('select to_regclass($1) is not null as present', [table])).rows[0].present as boolean;

describe('migrateToLatest', () => {
  it('applies every pending migration in one transaction: when one fails, none is applied', async () => {
    const db = await emptyDatabase();
    const all = await pendingMigrations(db.db);
    // a table the last migration creates, already there: that migration fails
    await db.pool.query('create table uploads (id int)');

    const error = await migrateToLatest(db.db).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toMatch(/^Migration 0004_images failed: relation "uploads" already exists/);
    expect(await pendingMigrations(db.db)).toEqual(all);
    expect(await tableExists(db, 'recipes')).toBe(false); // created by the first, rolled back with the rest

    await db.pool.query('drop table uploads');
    expect(await migrateToLatest(db.db)).toEqual(all);
  });

  it('refuses a database migrated by a newer build, naming the migration this build lacks', async () => {
    const db = await migratedDatabase();
    await db.pool.query(
      `insert into kysely_migration (name, timestamp) values ('9999_from_a_newer_build', '2099-01-01T00:00:00.000Z')`,
    );

    const error = await migrateToLatest(db.db).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toBe(
      'Migrations could not run: corrupted migrations: previously executed migration 9999_from_a_newer_build is missing',
    );
  });
});
