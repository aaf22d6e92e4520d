import { Code } from '@connectrpc/connect';
import { createClient } from '@connectrpc/connect';
import { RecipeService, Role as PbRole, SearchService, UserService } from '@yeet/contract';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcFlow, type OidcFlow, type Tokens } from '../support/oidc.ts';
import { drained } from '../support/queue.ts';
import { bearerTransport, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectCode, recipeInput } from '../support/recipes.ts';

const sessionSecret = 'test-session-secret-that-is-long-enough-0123456789';
let t: TestPlatform;
let flow: OidcFlow;
let db: pg.Client;
let admin: Tokens;
let worker: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform({ SESSION_SECRET: sessionSecret });
  flow = oidcFlow(t.baseUrl, t.config, sessionSecret);
  // A worker beside the API runs the search index jobs.
  worker = await startTestPlatform({ ROLE: 'worker' }, t.database);
  db = new pg.Client({ connectionString: t.database.url });
  await db.connect();
  // The first account is the admin.
  admin = await flow.signUp({ email: 'admin@example.com', password: 'a long enough password', displayName: 'Ada Admin' });
});
afterAll(async () => {
  await db?.end();
  await worker?.stop();
  await t?.stop();
});

const bearer = (token: string) => {
  const transport = bearerTransport(t.baseUrl, token);
  return { users: createClient(UserService, transport), recipes: createClient(RecipeService, transport) };
};
const editor = () => t.recipes('deletion-editor', ['editor']);

async function publish(recipes: ReturnType<typeof bearer>['recipes'], title: string) {
  const { recipe } = await recipes.createRecipe({ recipe: recipeInput({ title }) });
  await recipes.submitRecipe({ id: recipe!.id });
  await editor().approveRecipe({ id: recipe!.id });
  return recipe!;
}

/** Every text-like column of every table (ours, the issuer's, the queue's) holding `needle`. */
async function tablesHolding(needle: string): Promise<string[]> {
  const columns = await db.query<{ table_schema: string; table_name: string; column_name: string; data_type: string }>(
    `select c.table_schema, c.table_name, c.column_name, c.data_type
       from information_schema.columns c
       join information_schema.tables t using (table_schema, table_name)
      where t.table_type = 'BASE TABLE'
        and c.table_schema not in ('pg_catalog', 'information_schema')
        and c.data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY', 'bytea', 'tsvector')`,
  );
  const found: string[] = [];
  for (const c of columns.rows) {
    const col = `"${c.column_name}"`;
    // bytea (stored RPC answers) is searched as its bytes read as text.
    const text = c.data_type === 'bytea' ? `encode(${col}, 'escape')` : `${col}::text`;
    const { rows } = await db.query(
      `select 1 from "${c.table_schema}"."${c.table_name}" where position(lower($1) in lower(${text})) > 0 limit 1`,
      [needle],
    );
    if (rows.length) found.push(`${c.table_schema}.${c.table_name}.${c.column_name}`);
  }
  return found;
}

describe('DeleteMyAccount', () => {
  it('leaves no table holding the person’s email, name or review, and removes their recipes from search', async () => {
    const person = { email: 'zelda.erasable@example.com', password: 'zelda long password', displayName: 'Zelda Erasable' };
    const tokens = await flow.signUp(person);
    const me = bearer(tokens.access_token);
    const { user } = await me.users.getMe({});
    await bearer(admin.access_token).users.setUserRoles({ userId: user!.id, roles: [PbRole.AUTHOR] });
    const draft = (await me.recipes.createRecipe({ recipe: recipeInput({ title: 'Zelda draft stew' }) })).recipe!;
    const published = await publish(me.recipes, 'Quokkaberry crumble');
    const adminsRecipe = await publish(bearer(admin.access_token).recipes, 'Ada’s plain bread');
    await me.recipes.rateRecipe({ recipeId: adminsRecipe.id, stars: 2, review: 'Xylophonic review text, mine alone' });
    // Records of the person's calls that carried an Idempotency-Key.
    await me.users.updateProfile({ displayName: person.displayName }, { headers: { 'idempotency-key': 'zelda-profile-1' } });
    expect(await tablesHolding(person.email)).not.toEqual([]);
    await drained(db);
    const search = t.client(SearchService);
    expect((await search.searchRecipes({ query: 'Quokkaberry' })).hits).toHaveLength(1);

    const { deletion } = await me.users.deleteMyAccount({ keepPublishedRecipes: false, password: person.password });
    expect(deletion).toMatchObject({ recipesDeleted: 2, recipesKept: 0, ratingsDeleted: 1 });
    await drained(db);
    await drained(db, 'search.lexicon');

    for (const needle of [person.email, person.displayName, 'Xylophonic review text', 'Quokkaberry', 'Zelda draft stew']) {
      expect(await tablesHolding(needle), needle).toEqual([]);
    }
    // Sessions, grants and refresh tokens are gone at once: the refresh token no longer works…
    expect((await flow.refresh(tokens.refresh_token!)).ok).toBe(false);
    // …and an access token issued before the deletion does not start a new account.
    await expectCode(me.users.getMe({}), Code.Unauthenticated);
    expect(
      (
        await db.query(
          `select count(*)::int as n from users where issuer = 'local' and subject not in (select id::text from accounts)`,
        )
      ).rows[0].n,
    ).toBe(0);

    expect((await search.searchRecipes({ query: 'Quokkaberry' })).hits).toEqual([]);
    await expectCode(editor().getRecipe({ key: { case: 'id', value: draft.id } }), Code.NotFound);
    await expectCode(editor().getRecipe({ key: { case: 'id', value: published.id } }), Code.NotFound);
    // The index job path saw the deletion too; every index change also drops the web host's cached pages.
    expect(
      (await db.query(`select count(*)::int as n from search_changes where recipe_id = $1`, [published.id])).rows[0].n,
    ).toBeGreaterThan(0);
    const { recipe } = await t.recipes().getRecipe({ key: { case: 'id', value: adminsRecipe.id } });
    expect(recipe!.rating).toMatchObject({ count: 0 });

    // The deletion is an audit event that names no deleted data.
    const audit = await db.query(`select kind, actor_id, subject_id, detail from audit_events where subject_id = $1`, [user!.id]);
    expect(audit.rows).toEqual([
      expect.objectContaining({
        kind: 'user.deleted',
        actor_id: user!.id,
        detail: { self: true, keepPublishedRecipes: false, recipesDeleted: 2, recipesKept: 0, ratingsDeleted: 1 },
      }),
    ]);

    // Deleting it again: there is nothing to delete.
    await expectCode(bearer(admin.access_token).users.deleteUser({ userId: user!.id }), Code.NotFound);
  });

  it('keeps published recipes under "a former member" when asked, with their events', async () => {
    const author = t.recipes('keeper', ['author']);
    const users = t.client(UserService, 'keeper', ['author']);
    const kept = await publish(author, 'Marmalade of the keeper');
    const draft = (await author.createRecipe({ recipe: recipeInput({ title: 'Unfinished keeper draft' }) })).recipe!;
    const { deletion } = await users.deleteMyAccount({ keepPublishedRecipes: true });
    expect(deletion).toMatchObject({ recipesDeleted: 1, recipesKept: 1, ratingsDeleted: 0 });

    const { recipe } = await t.recipes().getRecipe({ key: { case: 'id', value: kept.id } });
    expect(recipe!.author?.displayName).toBe('A former member');
    const { events } = await editor().getRecipeHistory({ id: kept.id });
    expect(events.map((e) => [e.action, e.actor?.displayName])).toEqual([
      ['create', 'A former member'],
      ['submit', 'A former member'],
      ['approve', expect.any(String)],
    ]);
    await expectCode(editor().getRecipe({ key: { case: 'id', value: draft.id } }), Code.NotFound);
  });

  it('refuses the last admin, and anyone but an admin deleting another account', async () => {
    const err = await expectCode(
      bearer(admin.access_token).users.deleteMyAccount({ password: 'a long enough password' }),
      Code.FailedPrecondition,
    );
    expect(err.rawMessage).toBe('You are the last admin; make someone else an admin before deleting your account.');
    const { user: adminUser } = await bearer(admin.access_token).users.getMe({});
    await expectCode(t.client(UserService, 'nosy', ['editor']).deleteUser({ userId: adminUser!.id }), Code.PermissionDenied);
    await expectCode(
      bearer(admin.access_token).users.deleteUser({ userId: '00000000-0000-4000-8000-000000000000' }),
      Code.NotFound,
    );
  });

  it('lets an admin delete another account, and records who did', async () => {
    const target = t.client(UserService, 'target-of-admin');
    const { user } = await target.getMe({});
    const adminClient = bearer(admin.access_token);
    const { user: adminUser } = await adminClient.users.getMe({});
    await adminClient.users.deleteUser({ userId: user!.id });
    const { rows } = await db.query(`select actor_id, detail->>'self' as self from audit_events where subject_id = $1`, [
      user!.id,
    ]);
    expect(rows).toEqual([{ actor_id: adminUser!.id, self: 'false' }]);
    const list = await adminClient.users.listUsers({ query: 'target-of-admin' });
    expect(list.users).toEqual([]);
  });
});

describe('ExportMyData', () => {
  it('gives the person their profile, sign-in, recipes with events, ratings and a README; only theirs', async () => {
    const person = { email: 'olga.export@example.com', password: 'olga long password', displayName: 'Olga Export' };
    const tokens = await flow.signUp(person);
    const me = bearer(tokens.access_token);
    const { user } = await me.users.getMe({});
    await bearer(admin.access_token).users.setUserRoles({ userId: user!.id, roles: [PbRole.EDITOR] });
    const published = await publish(me.recipes, 'Olga’s beetroot soup');
    const adminsRecipe = await publish(bearer(admin.access_token).recipes, 'Ada’s rye loaf');
    await me.recipes.rateRecipe({ recipeId: adminsRecipe.id, stars: 5, review: 'Dense and good.' });

    await flow.signIn(person.email, person.password);
    const res = await me.users.exportMyData({});
    expect(res.fileName).toMatch(/^eat-or-yeet-data-\d{4}-\d{2}-\d{2}\.json$/);
    expect(res.readme).toContain('signInHistory');
    const doc = JSON.parse(res.documentJson);
    expect(doc.profile).toMatchObject({
      id: user!.id,
      displayName: person.displayName,
      email: person.email,
      roles: ['user', 'editor'],
    });
    expect(doc.signInHistory).toEqual({ accountCreatedAt: expect.any(String), lastSignInAt: expect.any(String) });
    expect(doc.recipes).toEqual([
      expect.objectContaining({ id: published.id, title: 'Olga’s beetroot soup', status: 'published', steps: expect.any(Array) }),
    ]);
    expect(doc.recipes[0].events.map((e: { action: string }) => e.action)).toEqual(['create', 'submit', 'approve']);
    expect(doc.ratings).toEqual([expect.objectContaining({ recipeId: adminsRecipe.id, stars: 5, review: 'Dense and good.' })]);
    expect(doc.accountEvents).toEqual([
      expect.objectContaining({
        kind: 'user.roles_changed',
        detail: { from: ['user', 'author'], to: ['user', 'editor'] },
      }),
    ]);
    // Nothing of anyone else's (the rated recipe is named for context, not exported).
    expect(res.documentJson).not.toContain('admin@example.com');
    expect(res.documentJson).not.toContain('Ada Admin');
  });
});
