import { createHash } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Code, createClient } from '@connectrpc/connect';
import {
  AuditService,
  CollectionService,
  DataExport_State,
  ImageService,
  ImageSlot,
  MealPlanService,
  MealSlot,
  ShoppingListService,
  UserService,
} from '@yeet/contract';
import { readTarGz } from '@yeet/media';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../support/images.ts';
import { oidcFlow, type OidcFlow } from '../support/oidc.ts';
import { drained } from '../support/queue.ts';
import { bearerTransport, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectCode, recipeInput } from '../support/recipes.ts';

const sessionSecret = 'test-session-secret-that-is-long-enough-0123456789';
let t: TestPlatform;
let worker: TestPlatform;
let flow: OidcFlow;
let db: pg.Client;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'yeet-export-test-'));
  // The API and the worker share the image storage, as they do in production.
  const shared = { SESSION_SECRET: sessionSecret, IMAGE_DIR: path.join(dir, 'images') };
  t = await startTestPlatform(shared);
  worker = await startTestPlatform({ ...shared, ROLE: 'worker' }, t.database);
  flow = oidcFlow(t.baseUrl, t.config, sessionSecret);
  db = new pg.Client({ connectionString: t.database.url });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await worker?.stop();
  await t?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function ready(users: ReturnType<typeof t.client<typeof UserService>>, id: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { export: e } = await users.getDataExport({ id });
    if (e!.state !== DataExport_State.PREPARING) return e!;
    if (Date.now() > deadline) throw new Error('the export is still being prepared after 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The archive's entries: name → bytes. */
async function entriesOf(archive: Buffer): Promise<Map<string, Buffer>> {
  const file = path.join(dir, `archive-${Math.random()}.tar.gz`);
  await writeFile(file, archive);
  const entries = new Map<string, Buffer>();
  await readTarGz(file, async (name, _size, body) => {
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    entries.set(name, Buffer.concat(chunks));
  });
  return entries;
}

describe('RequestDataExport', () => {
  it('builds one archive in the background: data.json, README.txt and the original images, behind a link that expires', async () => {
    const author = t.recipes('exporter', ['author']);
    const users = t.client(UserService, 'exporter', ['author']);
    const { user: me } = await users.getMe({});
    const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'Exported tarte tatin' }) });
    const png = await fixtures.png();
    const images = t.client(ImageService, 'exporter', ['author']);
    const target = await images.createUpload({ byteSize: BigInt(png.length), contentType: 'image/png' });
    expect((await fetch(target.url, { method: 'PUT', headers: target.headers, body: png })).status).toBe(204);
    await images.attachImage({ uploadId: target.uploadId, recipeId: recipe!.id, slot: ImageSlot.COVER });
    await author.submitRecipe({ id: recipe!.id });

    const { export: requested } = await users.requestDataExport({ userId: me!.id });
    expect(requested!.state).toBe(DataExport_State.PREPARING);
    expect(requested!.downloadUrl).toBe('');
    // Asking again while it is prepared returns the same export.
    expect((await users.requestDataExport({ userId: me!.id })).export!.id).toBe(requested!.id);

    const done = await ready(users, requested!.id);
    expect(done.state).toBe(DataExport_State.READY);
    const ttl = done.expireTime!.seconds - done.readyTime!.seconds;
    expect(Number(ttl)).toBe(72 * 3600);
    expect((await users.listDataExports({ userId: me!.id })).exports.map((e) => e.id)).toEqual([requested!.id]);

    const res = await fetch(done.downloadUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    const archive = Buffer.from(await res.arrayBuffer());
    expect(BigInt(archive.length)).toBe(done.byteSize);
    expect(sha256(archive)).toBe(done.sha256);

    const entries = await entriesOf(archive);
    const imageEntry = `images/${target.uploadId}.png`;
    expect([...entries.keys()].sort()).toEqual(['README.txt', 'data.json', imageEntry]);
    expect(entries.get(imageEntry)!.equals(png)).toBe(true);
    const data = JSON.parse(entries.get('data.json')!.toString('utf8'));
    expect(data.format).toBe('eat-or-yeet/personal-data');
    expect(data.profile).toMatchObject({ id: me!.id, displayName: 'exporter' });
    expect(data.recipes.map((r: { title: string }) => r.title)).toEqual(['Exported tarte tatin']);
    expect(data.recipes[0].events.map((e: { action: string }) => e.action)).toEqual(['create', 'submit']);
    expect(data.images).toEqual([
      expect.objectContaining({ id: target.uploadId, file: imageEntry, sha256: sha256(png), byteSize: png.length }),
    ]);
    expect(data.accountEvents).toEqual([
      expect.objectContaining({ kind: 'user.data_exported', detail: { exportId: requested!.id, self: true } }),
    ]);
    const readme = entries.get('README.txt')!.toString('utf8');
    for (const field of ['profile', 'recipes', 'ratings', 'images/', 'signInHistory', 'accountEvents'])
      expect(readme).toContain(field);

    // A link altered by one character is not ours: a page that says so.
    const altered = done.downloadUrl.replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
    const unknown = await fetch(altered);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('This download link is not valid');

    // Past its expiry the link answers 410 with words, and the sweep removes archive and row.
    await db.query(`update data_exports set expires_at = now() - interval '1 minute' where id = $1`, [done.id]);
    const expired = await fetch(done.downloadUrl);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('This download link expired');
    expect((await users.listDataExports({ userId: me!.id })).exports).toEqual([]);
    const stored = path.join(dir, 'images', 'exports', done.id);
    expect((await stat(stored)).size).toBe(archive.length);
    await db.query(`select graphile_worker.add_job('exports.sweep', '{}'::json)`);
    await drained(db, 'exports.sweep');
    expect((await db.query('select count(*)::int as n from data_exports')).rows[0].n).toBe(0);
    await expect(stat(stored)).rejects.toThrow('ENOENT');
    expect((await fetch(done.downloadUrl)).status).toBe(410);
  });

  it('holds the person’s collections, shopping list and meal plan, and nobody else’s', async () => {
    const handle = 'planner';
    const author = t.recipes(handle, ['author']);
    const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'Planned shakshuka' }) });
    await t.client(CollectionService, handle, ['author']).saveRecipe({ recipeId: recipe!.id, saved: true });
    await t.client(ShoppingListService, handle, ['author']).addShoppingListItem({ text: '2 lemons' });
    const plan = t.client(MealPlanService, handle, ['author']);
    await plan.addMealPlanEntry({ date: '2026-12-07', slot: MealSlot.DINNER, recipeId: recipe!.id, servings: 3 });
    await plan.addMealPlanEntry({ date: '2026-12-08', slot: MealSlot.LUNCH, note: 'Leftovers' });
    // someone else's list, which must not come along
    await t.client(ShoppingListService, 'not-the-planner').addShoppingListItem({ text: 'kitchen roll' });

    const res = await t.client(UserService, handle, ['author']).exportMyData({});
    const doc = JSON.parse(res.documentJson);
    expect(doc.collections).toEqual([
      expect.objectContaining({
        favourites: true,
        shared: false,
        recipes: [expect.objectContaining({ recipeId: recipe!.id, title: 'Planned shakshuka' })],
      }),
    ]);
    expect(doc.shoppingList).toEqual([expect.objectContaining({ item: 'lemons', quantity: 2, checked: false })]);
    expect(doc.mealPlan.entries).toEqual([
      expect.objectContaining({ day: '2026-12-07', slot: 'dinner', recipeId: recipe!.id, servings: 3 }),
      expect.objectContaining({ day: '2026-12-08', slot: 'lunch', note: 'Leftovers', recipeId: null }),
    ]);
    for (const section of ['collections', 'shoppingList', 'mealPlan']) expect(res.readme).toContain(section);
    expect(res.documentJson).not.toContain('kitchen roll');
  });

  it('refuses another person’s export without the admin role; an admin’s is audited', async () => {
    const owner = t.client(UserService, 'export-owner');
    const { user } = await owner.getMe({});
    const nosy = t.client(UserService, 'export-nosy', ['editor']);
    await expectCode(nosy.requestDataExport({ userId: user!.id }), Code.PermissionDenied);
    await expectCode(nosy.listDataExports({ userId: user!.id }), Code.PermissionDenied);
    const { export: mine } = await owner.requestDataExport({ userId: user!.id });
    await expectCode(nosy.getDataExport({ id: mine!.id }), Code.PermissionDenied);
    await expectCode(nosy.getDataExport({ id: '00000000-0000-4000-8000-000000000000' }), Code.NotFound);
    await ready(owner, mine!.id);

    const admin = t.client(UserService, 'export-admin', ['admin']);
    const { user: adminUser } = await admin.getMe({});
    const { export: byAdmin } = await admin.requestDataExport({ userId: user!.id });
    expect(byAdmin!.userId).toBe(user!.id);
    const { events } = await t
      .client(AuditService, 'export-admin', ['admin'])
      .listEvents({ kinds: ['user.data_exported'], actorId: adminUser!.id });
    expect(events.map((e) => [e.kind, e.subjectId, e.detail])).toEqual([
      ['user.data_exported', user!.id, { exportId: byAdmin!.id, self: false }],
    ]);
  });
});

describe('an export of a deleted account', () => {
  it('goes with the account: the link answers 410 and the sweep removes the archive at once', async () => {
    const users = t.client(UserService, 'export-leaver');
    const { user } = await users.getMe({});
    const { export: requested } = await users.requestDataExport({ userId: user!.id });
    const done = await ready(users, requested!.id);
    const stored = path.join(dir, 'images', 'exports', done.id);
    expect((await stat(stored)).size).toBe(Number(done.byteSize));

    await users.deleteMyAccount({});
    expect((await fetch(done.downloadUrl)).status).toBe(410);
    // The deletion queued the sweep: no hourly wait.
    await drained(db, 'exports.sweep');
    await expect(stat(stored)).rejects.toThrow('ENOENT');
    expect((await db.query('select count(*)::int as n from data_exports where user_id = $1', [user!.id])).rows[0].n).toBe(0);
  });
});

describe('DeleteMyAccount re-authentication', () => {
  const bearer = (token: string) => createClient(UserService, bearerTransport(t.baseUrl, token));

  it('asks an account of this site for its password again, and refuses a wrong one', async () => {
    // The first account is the admin: someone else must be, so this one may leave.
    await flow.signUp({ email: 'first.admin@example.com', password: 'first admin password', displayName: 'First Admin' });
    const person = { email: 'rita.reauth@example.com', password: 'rita long password', displayName: 'Rita Reauth' };
    const users = bearer((await flow.signUp(person)).access_token);
    const { user } = await users.getMe({});

    const missing = await expectCode(users.deleteMyAccount({}), Code.FailedPrecondition);
    expect(missing.rawMessage).toBe('Enter your password to confirm that you want to delete your account.');
    const wrong = await expectCode(users.deleteMyAccount({ password: 'not my password' }), Code.Unauthenticated);
    expect(wrong.rawMessage).toContain('That is not your password');
    expect((await db.query('select deleted_at from users where id = $1', [user!.id])).rows[0].deleted_at).toBeNull();

    await users.deleteMyAccount({ password: person.password });
    expect((await db.query('select deleted_at from users where id = $1', [user!.id])).rows[0].deleted_at).not.toBeNull();
  });
});

describe('sign-in failure bursts', () => {
  it('records one audit event when failed sign-ins to an account reach the burst, filterable by kind', async () => {
    const person = { email: 'bruno.burst@example.com', password: 'bruno long password', displayName: 'Bruno Burst' };
    await flow.signUp(person);
    const { id: userId } = (await db.query(`select id from users where email = $1`, [person.email])).rows[0];
    for (let i = 0; i < 7; i++) await flow.signIn(person.email, `wrong password ${i}`).catch(() => undefined);
    const { events } = await t
      .client(AuditService, 'burst-admin', ['admin'])
      .listEvents({ kinds: ['user.sign_in_failures'], subjectId: userId });
    expect(events).toHaveLength(1);
    expect(events[0]!.actor).toBeUndefined();
    expect(events[0]!.detail).toMatchObject({ scope: 'pair', failures: 5, windowMinutes: 15 });
  });
});
