import { Code } from '@connectrpc/connect';
import { RecipeStatus } from '@yeet/contract';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectCode, recipeInput } from '../support/recipes.ts';

/**
 * A write that fails half-way must leave nothing behind. The failure is made real: a
 * trigger makes the event insert fail after the recipe row was written in the same
 * transaction.
 */
let t: TestPlatform;
let db: pg.Client;

beforeAll(async () => {
  t = await startTestPlatform();
  db = new pg.Client({ connectionString: t.database.url });
  await db.connect();
  await db.query(`
    create function fail_marked_events() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from recipes where id = new.recipe_id and title like '%[explode]%') then
        raise exception 'event insert failed (test trigger)';
      end if;
      return new;
    end $$;
    create trigger fail_marked_events before insert on recipe_events
      for each row execute function fail_marked_events();`);
});
afterAll(async () => {
  await db?.end();
  await t?.stop();
});

const count = async (sql: string, params: unknown[] = []) => Number((await db.query(sql, params)).rows[0].n);

describe('failed writes leave no partial rows', () => {
  it('a create whose event cannot be written leaves no recipe', async () => {
    const before = await count('select count(*) as n from recipes');
    const error = await expectCode(
      t.recipes('alice', ['author']).createRecipe({ recipe: recipeInput({ title: 'Soup [explode]' }) }),
      Code.Internal,
    );
    expect(error.rawMessage).toMatch(/^Something went wrong on our side/);
    expect(error.rawMessage).not.toContain('test trigger');
    expect(await count('select count(*) as n from recipes')).toBe(before);
    expect(await count(`select count(*) as n from recipes where title like '%[explode]%'`)).toBe(0);
  });

  it('a transition whose event cannot be written leaves the state unchanged', async () => {
    const author = t.recipes('alice', ['author']);
    const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'Stew' }) });
    const id = recipe!.id;
    await author.submitRecipe({ id });
    const eventsBefore = await count('select count(*) as n from recipe_events where recipe_id = $1', [id]);
    // The title now carries the marker, so the next event insert fails.
    await t
      .recipes('erin', ['editor'])
      .updateRecipe({ id, recipe: recipeInput({ title: 'Stew [explode]' }) })
      .catch(() => {});
    await db.query(`update recipes set title = 'Stew [explode]' where id = $1`, [id]);
    await expectCode(t.recipes('erin', ['editor']).approveRecipe({ id }), Code.Internal);
    const row = (await db.query('select status, published_at, version from recipes where id = $1', [id])).rows[0];
    expect(row).toMatchObject({ status: 'in_review', published_at: null });
    expect(await count('select count(*) as n from recipe_events where recipe_id = $1', [id])).toBe(eventsBefore);
    const { recipe: after } = await author.getRecipe({ key: { case: 'id', value: id } });
    expect(after?.status).toBe(RecipeStatus.IN_REVIEW);
  });

  it('the database itself refuses what the code should never write', async () => {
    const author = (await db.query(`select id from users limit 1`)).rows[0].id as string;
    const insert = (columns: string, values: string) =>
      db.query(
        `insert into recipes (slug, author_id, title, servings, ${columns}) values ('s-${Math.random().toString(36).slice(2)}', $1, 't', 1, ${values})`,
        [author],
      );
    await expect(insert('status', `'cooking'`)).rejects.toThrow(/check constraint/);
    await expect(insert('meal_types', `'{elevenses}'`)).rejects.toThrow(/check constraint/);
    await expect(insert('prep_minutes, total_minutes', '10, 5')).rejects.toThrow(/check constraint/);
    await expect(
      db.query(`insert into ratings (recipe_id, user_id, stars) select id, author_id, 6 from recipes limit 1`),
    ).rejects.toThrow(/check constraint/);
    await expect(
      db.query(`insert into recipes (slug, author_id, title, servings) select slug, author_id, 'dup', 1 from recipes limit 1`),
    ).rejects.toThrow(/duplicate key/);
  });
});
