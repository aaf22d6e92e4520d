import path from 'node:path';
import { startEmbeddedPostgres } from '@yeet/db';
import { withDatabase } from '@yeet/db/testing';
import pg from 'pg';

export interface BenchDatabase {
  /** Connection string of the bench's own database. */
  url: string;
  /** True when the database was just created (empty): the bench fills it. */
  fresh: boolean;
  /** Stops the embedded server, if one was started. */
  stop(): Promise<void>;
}

/**
 * A database named `name` on DATABASE_URL's server (a server the bench may fill), else on
 * an embedded PostgreSQL kept under .data/bench, so reruns reuse what earlier runs loaded.
 */
export async function benchDatabase(name: string): Promise<BenchDatabase> {
  let adminUrl = process.env.DATABASE_URL;
  let stop = async () => {};
  if (!adminUrl) {
    const embedded = await startEmbeddedPostgres({ dataDir: path.resolve(import.meta.dirname, '../.data/bench'), port: 0 });
    adminUrl = embedded.url;
    stop = embedded.stop;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const fresh = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 0;
  if (fresh) await admin.query(`create database ${name}`);
  await admin.end();
  return { url: withDatabase(adminUrl, name), fresh, stop };
}
