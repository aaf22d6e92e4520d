import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connectDatabase } from './connect.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded.ts';
import { migrateToLatest } from './migrate.ts';

/**
 * Test databases. Once per test run: a server (DATABASE_URL, or an embedded one) and a
 * template database with every migration applied. Per test file: `CREATE DATABASE …
 * TEMPLATE`, which copies the migrated schema in milliseconds and keeps files isolated, so
 * they run in parallel.
 */
export interface TestServer {
  /** Connection URL of a maintenance database on the server (for CREATE DATABASE). */
  adminUrl: string;
  template: string;
  stop(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  let embedded: EmbeddedDatabase | null = null;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: `/tmp/yeet-test-pg-${process.pid}-${randomBytes(3).toString('hex')}`,
      ephemeral: true,
    });
    adminUrl = embedded.url;
  }
  const template = `yeet_template_${randomBytes(4).toString('hex')}`;
  await admin(adminUrl, `create database ${template}`);
  const handle = connectDatabase(withDatabase(adminUrl, template), { poolMax: 1 });
  try {
    await migrateToLatest(handle.db);
  } finally {
    await handle.close();
  }
  return {
    adminUrl,
    template,
    async stop() {
      if (embedded) return embedded.stop();
      await admin(adminUrl, `drop database if exists ${template}`);
    },
  };
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file. */
export async function createTestDatabase(server: Pick<TestServer, 'adminUrl' | 'template'>): Promise<TestDatabase> {
  const name = `yeet_test_${randomBytes(6).toString('hex')}`;
  await admin(server.adminUrl, `create database ${name} template ${server.template}`);
  return {
    url: withDatabase(server.adminUrl, name),
    drop: () => admin(server.adminUrl, `drop database if exists ${name} with (force)`),
  };
}

/** A database with nothing in it, not even the schema: where migrations and restores start. */
export async function createEmptyDatabase(server: Pick<TestServer, 'adminUrl'>): Promise<TestDatabase> {
  const name = `yeet_empty_${randomBytes(6).toString('hex')}`;
  await admin(server.adminUrl, `create database ${name}`);
  return {
    url: withDatabase(server.adminUrl, name),
    drop: () => admin(server.adminUrl, `drop database if exists ${name} with (force)`),
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
