import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImageService, ImageSlot, SearchService } from '@yeet/contract';
import { connectDatabase, startEmbeddedPostgres } from '@yeet/db';
import { createEmptyDatabase, type TestDatabase } from '@yeet/db/testing';
import { createLogger, loadConfig } from '@yeet/platform';
import pg from 'pg';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { scheduledBackup } from '../../apps/server/src/backup/index.ts';
import { readTarGz, writeTarGz } from '@yeet/media';
import { fixtures } from '../support/images.ts';
import { oidcFlow } from '../support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { drained } from '../support/queue.ts';
import { recipeInput } from '../support/recipes.ts';

/**
 * The restore drill: a platform with data of every kind is backed up with `yeet backup`,
 * wiped (database dropped, image storage emptied) and restored with `yeet restore`; then
 * every table must hold the same rows, every image the same bytes, search must find the
 * published recipes again and a password must still sign in.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const main = path.join(root, 'apps/server/src/main.ts');
const sessionSecret = 'backup-drill-session-secret-0123456789abcdef';
const account = { email: 'cook@example.com', password: 'correct horse battery staple', displayName: 'Cook' };

let work: string;
let dataDir: string;
let t: TestPlatform;
let archive: string;
let sourceTables: Map<string, string[]>;
let sourceImages: Map<string, Buffer>;
const databases: TestDatabase[] = [];

const server = () => inject('testDatabaseServer');
const imageDir = () => path.join(dataDir, 'images');

/** A new database with nothing in it, not even the schema. */
async function emptyDatabase(): Promise<string> {
  const database = await createEmptyDatabase(server());
  databases.push(database);
  return database.url;
}

function yeet(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', DATA_DIR: dataDir, SESSION_SECRET: sessionSecret, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d;
    });
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/**
 * The one line backup and restore write on stderr before their work: the database, named
 * without its password, and the image directory, each with the setting that chose it.
 */
function talkingTo(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  return `yeet: talking to the database at postgres://${u.username}@${u.host}${u.pathname} (DATABASE_URL) and the images in ${imageDir()} (IMAGE_DIR is not set: under DATA_DIR)\n`;
}

/** Transient by design (apps/server/src/backup/format.ts): counters, replay records, the index's change feed. */
const transientTables = new Set(['rate_limits', 'idempotency_keys', 'search_changes']);

/**
 * Every table of the public schema as sorted row texts. The migrations' own bookkeeping is
 * left out, and so is when a search entry was indexed: the index is rebuilt, not restored.
 */
async function dumpTables(url: string): Promise<Map<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      `select table_name as name from information_schema.tables
       where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_migration%' order by 1`,
    );
    const dump = new Map<string, string[]>();
    for (const { name } of tables.rows) {
      if (transientTables.has(name)) continue;
      const rows = await client.query<{ r: string }>(
        `select (to_jsonb(t) - 'indexed_at')::text as r from public.${name} t order by 1`,
      );
      dump.set(
        name,
        rows.rows.map((row) => row.r),
      );
    }
    return dump;
  } finally {
    await client.end();
  }
}

async function originals(): Promise<Map<string, Buffer>> {
  const dir = path.join(imageDir(), 'originals');
  const files = await readdir(dir).catch(() => [] as string[]);
  return new Map(await Promise.all(files.map(async (f) => [f, await readFile(path.join(dir, f))] as const)));
}

/** A copy of the archive with `change` applied to its unpacked entries. */
async function alteredArchive(name: string, change: (dir: string, entries: string[]) => Promise<void>): Promise<string> {
  const dir = await mkdtemp(path.join(work, 'unpacked-'));
  await mkdir(path.join(dir, 'db'));
  await mkdir(path.join(dir, 'images'));
  const entries: string[] = [];
  await readTarGz(archive, async (entry, _size, body) => {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    await writeFile(path.join(dir, entry), Buffer.concat(chunks));
    entries.push(entry);
  });
  await change(dir, entries);
  const out = path.join(work, name);
  await writeTarGz(
    out,
    entries.map((entry) => ({ name: entry, file: path.join(dir, entry) })),
  );
  return out;
}

/** The platform on a restored database, as its operator would start it. */
async function startOn(url: string): Promise<TestPlatform> {
  // The database is dropped with the others in afterAll.
  const database = databases.find((d) => d.url === url);
  if (!database) throw new Error(`not a database of this test: ${url}`);
  return startTestPlatform({ ROLE: 'all', SESSION_SECRET: sessionSecret, DATA_DIR: dataDir, DEV_AUTH: 'false' }, database);
}

async function readManifest(file: string): Promise<Record<string, unknown> & { files: Record<string, { sha256: string }> }> {
  let manifest = { files: {} };
  await readTarGz(file, async (name, _size, body) => {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    if (name === 'manifest.json') manifest = JSON.parse(Buffer.concat(chunks).toString());
  });
  return manifest;
}

async function lexiconRebuilt(platform: TestPlatform): Promise<void> {
  const logger = createLogger({ level: 'silent' });
  await platform.platform.api?.jobs.tasks['search.lexicon'].run({}, { logger });
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'yeet-backup-test-'));
  dataDir = path.join(work, 'data');
  t = await startTestPlatform({ ROLE: 'all', SESSION_SECRET: sessionSecret, DATA_DIR: dataDir });
  const pool = new pg.Pool({ connectionString: t.database.url, max: 1 });
  try {
    // A person of the built-in issuer, with a password.
    await oidcFlow(t.baseUrl, t.config, sessionSecret).signUp(account);
    const author = t.recipes('alma', ['author']);
    const editor = t.recipes('ed', ['editor']);
    const images = t.client(ImageService, 'alma', ['author']);
    const titles = ['Smoky Aubergine Stew', 'Lemon Drizzle Traybake', 'Unfinished Draft Dumplings'];
    const ids: string[] = [];
    for (const title of titles) {
      const created = await author.createRecipe({ recipe: recipeInput({ title }) });
      ids.push(created.recipe?.id ?? '');
    }
    // Real image bytes through the API: a cover on a published recipe and on the draft.
    for (const [recipeId, bytes] of [
      [ids[0], await fixtures.jpeg()],
      [ids[2], await fixtures.png()],
    ] as const) {
      const target = await images.createUpload({ byteSize: BigInt(bytes.length), contentType: 'image/jpeg' });
      const put = await fetch(target.url, { method: 'PUT', headers: target.headers, body: bytes });
      expect(put.ok).toBe(true);
      await images.attachImage({ uploadId: target.uploadId, recipeId: recipeId ?? '', slot: ImageSlot.COVER, stepIndex: 0 });
    }
    for (const id of ids.slice(0, 2)) {
      await author.submitRecipe({ id });
      await editor.approveRecipe({ id });
    }
    await t.recipes('uma').rateRecipe({ recipeId: ids[0] ?? '', stars: 5, review: 'Smoky and rich.' });
    await t.recipes('vic').rateRecipe({ recipeId: ids[0] ?? '', stars: 3 });
    await t.recipes('vic').rateRecipe({ recipeId: ids[1] ?? '', stars: 4, review: 'Tangy.' });
    await drained(pool, 'search.index');
    await drained(pool, 'images.process');
  } finally {
    await pool.end();
  }
  await lexiconRebuilt(t);
  await t.platform.stop();
  sourceTables = await dumpTables(t.database.url);
  sourceImages = await originals();
}, 120_000);

afterAll(async () => {
  await t?.database.drop();
  for (const database of databases) await database.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it('the seeded data covers every kind the drill is about', () => {
    for (const table of ['users', 'accounts', 'recipes', 'recipe_events', 'ratings', 'images', 'recipe_images', 'app_meta']) {
      expect(sourceTables.get(table)?.length, table).toBeGreaterThan(0);
    }
    expect(sourceTables.get('recipes')?.filter((r) => r.includes('"status": "draft"'))).toHaveLength(1);
    expect(sourceImages.size).toBe(2);
  });

  it('yeet backup writes one archive with a manifest of checksums and the schema version', async () => {
    const result = await yeet(['backup', '--to', path.join(work, 'backups')], { DATABASE_URL: t.database.url });
    expect(result.err).toBe(talkingTo(t.database.url));
    const password = new URL(t.database.url).password;
    if (password) expect(result.err).not.toContain(password);
    expect(result.code).toBe(0);
    const written = await readdir(path.join(work, 'backups'));
    expect(written).toHaveLength(1);
    archive = path.join(work, 'backups', written[0] ?? '');
    expect(result.out).toContain(archive);
    const manifest = await readManifest(archive);
    expect(manifest).toMatchObject({ format: 'eat-or-yeet-backup', formatVersion: 1, images: 2 });
    const client = new pg.Client({ connectionString: t.database.url });
    await client.connect();
    const latest = await client.query('select name from kysely_migration order by name desc limit 1');
    await client.end();
    expect(manifest.schemaVersion).toBe(latest.rows[0].name);
    const tables = (manifest.tables as Array<{ name: string; rows: number }>).map((x) => [x.name, x.rows]);
    expect(tables).toEqual(
      expect.arrayContaining([
        ['users', sourceTables.get('users')?.length],
        ['accounts', 1],
      ]),
    );
    // one rows file per table and one file per image, each with its checksum
    expect(Object.keys(manifest.files)).toHaveLength(tables.length + 2);
  });

  it('refuses a tampered archive and writes nothing', async () => {
    const tampered = await alteredArchive('tampered.tar.gz', async (dir, entries) => {
      const image = entries.find((e) => e.startsWith('images/')) ?? '';
      const bytes = await readFile(path.join(dir, image));
      const at = bytes.length - 10;
      bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
      await writeFile(path.join(dir, image), bytes);
    });
    const url = await emptyDatabase();
    await rm(imageDir(), { recursive: true, force: true });
    const result = await yeet(['restore', tampered], { DATABASE_URL: url });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /Restore refused: checksum mismatch for images\/[0-9a-f-]{36}: the archive is damaged or was altered/,
    );
    await expectUntouched(url);
  });

  it('refuses an archive from a newer schema and writes nothing', async () => {
    const newer = await alteredArchive('newer.tar.gz', async (dir) => {
      const file = path.join(dir, 'manifest.json');
      const manifest = JSON.parse(await readFile(file, 'utf8'));
      await writeFile(file, JSON.stringify({ ...manifest, schemaVersion: '9999_from_the_future' }));
    });
    const url = await emptyDatabase();
    const result = await yeet(['restore', newer], { DATABASE_URL: url });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /Restore refused: the archive is from a newer database schema \(9999_from_the_future\).*upgrade Eat or Yeet/,
    );
    await expectUntouched(url);
  });

  it('refuses an entry outside the names an archive may hold (no path traversal) and writes nothing', async () => {
    const evil = path.join(work, 'evil.txt');
    await writeFile(evil, 'owned');
    const name = `yeet-evil-${process.pid}`;
    const crafted = path.join(work, 'crafted.tar.gz');
    await writeTarGz(crafted, [{ name: `../${name}`, file: evil }]);
    const url = await emptyDatabase();
    const result = await yeet(['restore', crafted], { DATABASE_URL: url });
    expect(result.code).toBe(1);
    expect(result.err).toContain(`Restore refused: the archive holds an unexpected entry "../${name}"`);
    expect(await readFile(path.join(os.tmpdir(), name)).catch(() => null)).toBeNull();
    await expectUntouched(url);
  });

  it('refuses an archive in an unknown format version', async () => {
    const later = await alteredArchive('format-2.tar.gz', async (dir) => {
      const file = path.join(dir, 'manifest.json');
      const manifest = JSON.parse(await readFile(file, 'utf8'));
      await writeFile(file, JSON.stringify({ ...manifest, formatVersion: 2 }));
    });
    const url = await emptyDatabase();
    const result = await yeet(['restore', later], { DATABASE_URL: url });
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'Restore refused: the archive is in backup format 2; this version of Eat or Yeet reads format 1',
    );
    await expectUntouched(url);
  });

  it('restores into an empty database and storage: same rows, same image bytes, search rebuilt, sign-in works', async () => {
    await rm(imageDir(), { recursive: true, force: true });
    const url = await emptyDatabase();
    const restored = await yeet(['restore', archive], { DATABASE_URL: url });
    expect(restored.err).toBe(talkingTo(url));
    expect(restored.code).toBe(0);

    // Every table, the rebuilt search index included.
    const tables = await dumpTables(url);
    for (const [table, rows] of sourceTables) expect(tables.get(table), table).toEqual(rows);
    expect([...tables.keys()]).toEqual([...sourceTables.keys()]);
    expect(await originals()).toEqual(sourceImages);

    // A second restore over it is refused: it is no longer empty.
    const again = await yeet(['restore', archive], { DATABASE_URL: url });
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/the database is not empty \(table \w+ has rows\).*--replace/);

    // New events continue after the restored ids.
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    const next = await check.query(
      `select nextval(pg_get_serial_sequence('recipe_events', 'id')) > (select max(id) from recipe_events) as after`,
    );
    await check.end();
    expect(next.rows[0].after).toBe(true);

    const r = await startOn(url);
    try {
      const client = r.client(SearchService);
      const found = await client.searchRecipes({ query: 'aubergine' });
      expect(found.hits.map((h) => h.recipe?.title)).toEqual(['Smoky Aubergine Stew']);
      expect((await client.searchRecipes({ query: 'dumplings' })).hits).toEqual([]);

      const tokens = await oidcFlow(r.baseUrl, r.config, sessionSecret).signIn(account.email, account.password);
      expect(tokens.access_token).toBeTruthy();
    } finally {
      await r.platform.stop();
    }

    // --replace, over a database that has been used since (a sign-in): the archive's rows again, and
    // an index rebuilt from scratch, not counted twice.
    const replaced = await yeet(['restore', archive, '--replace'], { DATABASE_URL: url });
    expect(replaced.err).toBe(talkingTo(url));
    expect(replaced.code).toBe(0);
    expect(await dumpTables(url)).toEqual(tables);
  }, 120_000);

  it('backs up to and restores from S3 (s3://bucket/prefix)', async () => {
    const server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      directory: path.join(work, 's3'),
      silent: true,
      configureBuckets: [{ name: 'backups', configs: [] }],
    });
    const { port } = await server.run();
    const s3 = {
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    };
    try {
      const written = await yeet(['backup', '--to', 's3://backups/nightly'], { DATABASE_URL: t.database.url, ...s3 });
      expect(written.err).toBe(talkingTo(t.database.url));
      const location = /Backup written: (s3:\/\/\S+)/.exec(written.out)?.[1] ?? '';
      expect(location).toMatch(/^s3:\/\/backups\/nightly\/yeet-backup-[0-9TZ-]+\.tar\.gz$/);

      await rm(imageDir(), { recursive: true, force: true });
      const url = await emptyDatabase();
      const restored = await yeet(['restore', location], { DATABASE_URL: url, ...s3 });
      expect(restored.err).toBe(talkingTo(url));
      expect(restored.code).toBe(0);
      expect(await dumpTables(url)).toEqual(sourceTables);
      expect(await originals()).toEqual(sourceImages);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('refuses to back up a database with a table it does not know, rather than leave it out', async () => {
    const client = new pg.Client({ connectionString: t.database.url });
    await client.connect();
    try {
      await client.query('create table pantry (id int primary key)');
      const result = await yeet(['backup', '--to', path.join(work, 'unknown-table')], { DATABASE_URL: t.database.url });
      expect(result.code).toBe(1);
      expect(result.err).toContain('Backup failed: the database has tables the backup does not know (pantry)');
    } finally {
      await client.query('drop table if exists pantry');
      await client.end();
    }
  });

  it('one backup at a time: a second one, while another holds the lock, says so and writes nothing', async () => {
    const holder = new pg.Client({ connectionString: t.database.url });
    await holder.connect();
    try {
      await holder.query(`select pg_advisory_lock(hashtext('eat-or-yeet:backup'))`);
      const result = await yeet(['backup', '--to', path.join(work, 'while-locked')], { DATABASE_URL: t.database.url });
      expect(result.code).toBe(1);
      expect(result.err).toContain('Another backup of this database is running');
      expect(await readdir(path.join(work, 'while-locked')).catch(() => [])).toEqual([]);
    } finally {
      await holder.end();
    }
  });

  it('the worker runs the scheduled backup task (BACKUP_SCHEDULE)', async () => {
    const dir = path.join(work, 'by-the-worker');
    const worker = await startTestPlatform(
      { ROLE: 'worker', SESSION_SECRET: sessionSecret, DATA_DIR: dataDir, BACKUP_SCHEDULE: '30 3 * * *', BACKUP_DIR: dir },
      t.database,
    );
    const client = new pg.Client({ connectionString: t.database.url });
    await client.connect();
    try {
      expect(worker.platform.api?.jobs.schedules).toContainEqual({ task: 'backup.create', cron: '30 3 * * *' });
      // The 03:30 run, now.
      await client.query(`select graphile_worker.add_job('backup.create', '{}'::json)`);
      await drained(client, 'backup.create', 30_000);
      expect((await readdir(dir)).filter((f) => f.endsWith('.tar.gz'))).toHaveLength(1);
    } finally {
      await client.end();
      await worker.platform.stop();
    }
  }, 60_000);

  it('the scheduled backup keeps the newest BACKUP_KEEP archives', async () => {
    const dir = path.join(work, 'scheduled');
    const config = loadConfig({
      DATABASE_URL: t.database.url,
      DATA_DIR: dataDir,
      BACKUP_SCHEDULE: '30 3 * * *',
      BACKUP_KEEP: '2',
      BACKUP_DIR: dir,
    });
    const database = connectDatabase(t.database.url, { poolMax: 2 });
    try {
      const backup = scheduledBackup(config, database.db);
      expect(backup?.cron).toBe('30 3 * * *');
      const logger = createLogger({ level: 'silent' });
      for (let i = 0; i < 3; i++) await backup?.run(logger);
      await writeFile(path.join(dir, 'notes.txt'), 'not an archive');
      await backup?.run(logger);
      const left = (await readdir(dir)).sort();
      expect(left.filter((f) => f.endsWith('.tar.gz'))).toHaveLength(2);
      expect(left).toContain('notes.txt');
    } finally {
      await database.close();
    }
  });
});

describe('the embedded default (DATA_DIR, no DATABASE_URL)', () => {
  // Directly under /tmp: as root, PostgreSQL runs as "postgres", which must reach the directory.
  const embeddedDir = `/tmp/yeet-backup-embedded-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
  afterAll(() => rm(embeddedDir, { recursive: true, force: true }));

  it('restores into a new DATA_DIR and backs up the same rows again, also from a running server it leaves running', async () => {
    const env = { DATA_DIR: embeddedDir };
    const restored = await yeet(['restore', archive], env);
    // This DATA_DIR's database and images: the defaults, and what chose them.
    expect(restored.err).toBe(
      `yeet: talking to the embedded database in ${embeddedDir}/pg (DATABASE_URL is not set: under DATA_DIR) ` +
        `and the images in ${embeddedDir}/images (IMAGE_DIR is not set: under DATA_DIR)\n`,
    );
    expect(restored.code).toBe(0);
    const files = await readdir(path.join(embeddedDir, 'images', 'originals'));
    expect(files.sort()).toEqual([...sourceImages.keys()].sort());

    // As while the platform runs: its PostgreSQL is up on DATA_DIR.
    const server = await startEmbeddedPostgres({ dataDir: embeddedDir });
    try {
      const again = await yeet(['backup', '--to', path.join(work, 'from-embedded')], env);
      expect(again.err).toBe(restored.err);
      expect(again.code).toBe(0);
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const recipes = await client.query('select count(*)::int as n from recipes');
      await client.end();
      expect(recipes.rows[0].n).toBe(sourceTables.get('recipes')?.length);

      const [copy] = await readdir(path.join(work, 'from-embedded'));
      const first = await readManifest(archive);
      const second = await readManifest(path.join(work, 'from-embedded', copy ?? ''));
      expect(second.files).toEqual(first.files);

      const refused = await yeet(['restore', archive], env);
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(/Restore refused: Eat or Yeet is running on .*: stop it before restoring into it/);
    } finally {
      await server.stop();
    }
  }, 120_000);
});

/** Nothing was written: no schema in the database, no image in the storage. */
async function expectUntouched(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query(`select count(*)::int as n from information_schema.tables where table_schema = 'public'`);
    expect(tables.rows[0].n).toBe(0);
  } finally {
    await client.end();
  }
  expect((await originals()).size).toBe(0);
}
