import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely/migration';
import type { Database } from './schema.ts';

/**
 * SQL migrations: numbered files in packages/db/migrations, applied in order. Every pending
 * file runs in one transaction (a failure leaves the database as it was), under a
 * PostgreSQL advisory lock so processes starting together do not race. Forward-only: a bad
 * migration is fixed by a new one (docs/runbooks/bad-migration.md).
 */
export const migrationsDir = fileURLToPath(new URL('../migrations/', import.meta.url));

class SqlFileProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(migrationsDir)).filter((f) => f.endsWith('.sql')).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const text = await readFile(new URL(file, `file://${migrationsDir}`), 'utf8');
      // No parameters: the whole file runs through the simple query protocol.
      migrations[file.replace(/\.sql$/, '')] = { up: async (db) => void (await sql.raw(text).execute(db)) };
    }
    return migrations;
  }
}

const migratorFor = (db: Kysely<Database>) => new Migrator({ db, provider: new SqlFileProvider() });

export class MigrationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/** Applies pending migrations; returns the names applied now. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  return applied(await migratorFor(db).migrateToLatest());
}

/** Applies pending migrations up to and including `name` (a restore loads an archive at its own schema version). */
export async function migrateTo(db: Kysely<Database>, name: string): Promise<string[]> {
  return applied(await migratorFor(db).migrateTo(name));
}

/** The names of every migration this build has, in order. */
export async function migrationNames(): Promise<string[]> {
  return Object.keys(await new SqlFileProvider().getMigrations()).sort();
}

function applied({ error, results }: MigrationResultSet): string[] {
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const reason = error instanceof Error ? error.message : String(error);
    // No failed file: the migrations did not start, e.g. the database has one this build lacks.
    throw new MigrationError(
      failed ? `Migration ${failed.migrationName} failed: ${reason}` : `Migrations could not run: ${reason}`,
      {
        cause: error,
      },
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of migrations in the repository that the database has not applied yet. */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const all = await migratorFor(db).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}
