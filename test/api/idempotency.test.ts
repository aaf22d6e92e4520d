import { createHash } from 'node:crypto';
import { create, toBinary } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { CreateRecipeRequestSchema } from '@yeet/contract';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../support/logs.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectCode, recipeInput, violatedFields } from '../support/recipes.ts';

/**
 * Idempotency keys (docs/decisions/0017-idempotency-keys.md): a write sent with an
 * Idempotency-Key runs once per caller and key, over real HTTP, against the real tables.
 */
let t: TestPlatform;
let db: pg.Client;

beforeAll(async () => {
  t = await startTestPlatform();
  db = new pg.Client({ connectionString: t.database.url });
  await db.connect();
  await db.query(`
    create function hold_marked_events() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from recipes where id = new.recipe_id and title like '%[hold]%') then
        perform pg_advisory_xact_lock(4242);
      end if;
      return new;
    end $$;
    create trigger hold_marked_events before insert on recipe_events
      for each row execute function hold_marked_events();
    create table test_faults (failing boolean not null);
    insert into test_faults values (false);
    create function fail_marked_events() returns trigger language plpgsql as $$
    begin
      if (select failing from test_faults) and exists (select 1 from recipes where id = new.recipe_id and title like '%[fault]%') then
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

const withKey = (key: string) => ({ headers: { 'Idempotency-Key': key } });
const recipesTitled = async (title: string) =>
  Number((await db.query('select count(*) as n from recipes where title = $1', [title])).rows[0].n);

describe('Idempotency-Key on writes', () => {
  it('runs 20 parallel identical creates with one key once, and answers all 20 alike', async () => {
    const author = t.recipes('alice', ['author']);
    const request = { recipe: recipeInput({ title: 'Twenty Times Soup' }) };
    const responses = await Promise.all(Array.from({ length: 20 }, () => author.createRecipe(request, withKey('create-20'))));
    expect(await recipesTitled('Twenty Times Soup')).toBe(1);
    const ids = new Set(responses.map((r) => r.recipe?.id));
    expect(ids.size).toBe(1);
    for (const r of responses) expect(r).toEqual(responses[0]);
  });

  it('marks a replayed response and does not run the write again', async () => {
    const author = t.recipes('alice', ['author']);
    const request = { recipe: recipeInput({ title: 'Retried Stew' }) };
    const headers: Headers[] = [];
    const first = await author.createRecipe(request, { ...withKey('retry-1'), onHeader: (h) => headers.push(h) });
    const again = await author.createRecipe(request, { ...withKey('retry-1'), onHeader: (h) => headers.push(h) });
    expect(again).toEqual(first);
    expect(headers.map((h) => h.get('idempotent-replayed'))).toEqual([null, 'true']);
    expect(await recipesTitled('Retried Stew')).toBe(1);
    // Without a key, or with another, the same request is a new one.
    await author.createRecipe(request, withKey('retry-2'));
    await author.createRecipe(request);
    expect(await recipesTitled('Retried Stew')).toBe(3);
  });

  it('refuses the same key with another request, naming the key', async () => {
    const author = t.recipes('alice', ['author']);
    const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'First Use' }) }, withKey('reused-key'));
    const error = await expectCode(
      author.createRecipe({ recipe: recipeInput({ title: 'Second Use' }) }, withKey('reused-key')),
      Code.InvalidArgument,
    );
    expect(error.rawMessage).toContain('"reused-key"');
    expect(error.rawMessage).toMatch(/different request/);
    expect(await recipesTitled('Second Use')).toBe(0);
    // Another method with the key is another request too.
    await expectCode(author.submitRecipe({ id: recipe!.id }, withKey('reused-key')), Code.InvalidArgument);
  });

  it('keeps the keys of different callers apart', async () => {
    const request = { recipe: recipeInput({ title: 'Shared Key Pie' }) };
    const alice = await t.recipes('alice', ['author']).createRecipe(request, withKey('shared'));
    const carol = await t.recipes('carol', ['author']).createRecipe(request, withKey('shared'));
    expect(carol.recipe?.id).not.toBe(alice.recipe?.id);
    expect(await recipesTitled('Shared Key Pie')).toBe(2);
  });

  it('replays an error the caller was at fault for, with its field violations', async () => {
    const author = t.recipes('alice', ['author']);
    const request = { recipe: recipeInput({ title: '' }) };
    const first = await expectCode(author.createRecipe(request, withKey('bad-title')), Code.InvalidArgument);
    const again = await expectCode(author.createRecipe(request, withKey('bad-title')), Code.InvalidArgument);
    expect(again.rawMessage).toBe(first.rawMessage);
    expect(violatedFields(again)).toEqual(violatedFields(first));
    expect(violatedFields(again).length).toBeGreaterThan(0);
    expect(first.metadata.get('idempotent-replayed')).toBeNull();
    expect(again.metadata.get('idempotent-replayed')).toBe('true');
  });

  it('tells a retry to wait while the first request is still running, then replays it', async () => {
    const author = t.recipes('alice', ['author']);
    const request = { recipe: recipeInput({ title: 'Slow Bread [hold]' }) };
    // The first request's event insert waits for an advisory lock this test holds.
    await db.query('select pg_advisory_lock(4242)');
    try {
      const first = author.createRecipe(request, withKey('slow'));
      // The claim is not committed before the write: wait for the first request to reach the lock.
      await waitUntil(
        async () => (await db.query(`select 1 from pg_locks where locktype = 'advisory' and not granted`)).rowCount === 1,
      );
      const error = await expectCode(author.createRecipe(request, withKey('slow')), Code.Aborted);
      expect(error.rawMessage).toMatch(/still running; retry/);
      await db.query('select pg_advisory_unlock(4242)');
      const done = await first;
      expect(await author.createRecipe(request, withKey('slow'))).toEqual(done);
    } finally {
      await db.query('select pg_advisory_unlock_all()');
    }
    expect(await recipesTitled('Slow Bread [hold]')).toBe(1);
  });

  it('forgets keys after 24 hours, in the scheduled sweep', async () => {
    const author = t.recipes('alice', ['author']);
    const request = { recipe: recipeInput({ title: 'Yesterday Soup' }) };
    await author.createRecipe(request, withKey('old-key'));
    await author.createRecipe(request, withKey('new-key'));
    await db.query(`update idempotency_keys set created_at = now() - interval '25 hours' where key = 'old-key'`);
    const { logger } = captureLogs('info');
    await t.platform.api!.jobs.tasks['issuer.sweep'].run({}, { logger });
    const keys = (await db.query(`select key from idempotency_keys where key in ('old-key', 'new-key')`)).rows.map((r) => r.key);
    expect(keys).toEqual(['new-key']);
    // The swept key is free: the same request runs again.
    await author.createRecipe(request, withKey('old-key'));
    expect(await recipesTitled('Yesterday Soup')).toBe(3);
  });

  it('frees the key of a request that failed on our side: its retry runs', async () => {
    const author = t.recipes('alice', ['author']);
    const request = { recipe: recipeInput({ title: 'Faulty Flan [fault]' }) };
    await db.query('update test_faults set failing = true');
    await expectCode(author.createRecipe(request, withKey('fault')), Code.Internal);
    expect((await db.query(`select 1 from idempotency_keys where key = 'fault'`)).rowCount).toBe(0);
    await db.query('update test_faults set failing = false');
    await author.createRecipe(request, withKey('fault'));
    expect(await recipesTitled('Faulty Flan [fault]')).toBe(1);
  });

  it('takes over at once a committed claim without an outcome (as an earlier version left them)', async () => {
    const author = t.recipes('alice', ['author']);
    const request = { recipe: recipeInput({ title: 'Orphaned Claim Curry' }) };
    const method = 'yeet.v1.RecipeService/CreateRecipe';
    const fingerprint = createHash('sha256')
      .update(method)
      .update('\0')
      .update(toBinary(CreateRecipeRequestSchema, create(CreateRecipeRequestSchema, request)))
      .digest();
    // No outcome means the write did not commit: the claim, the write and the outcome commit together.
    await db.query(
      `insert into idempotency_keys (caller_id, key, method, fingerprint, claimed_at)
       select id, 'orphan', $1, $2, now() from users where subject = 'alice'`,
      [method, fingerprint],
    );
    const done = await author.createRecipe(request, withKey('orphan'));
    expect(await author.createRecipe(request, withKey('orphan'))).toEqual(done);
    expect(await recipesTitled('Orphaned Claim Curry')).toBe(1);
  });

  it('loses the write with its outcome when the connection dies after the handler returned: the retry runs once', async () => {
    const author = t.recipes('alice', ['author']);
    const request = { recipe: recipeInput({ title: 'Cut Off Casserole' }) };
    // The server's connection ends itself while recording the outcome, after the recipe was
    // inserted: what a process killed at that point leaves behind (issue 14, fault api-kill).
    await db.query(`
      create table test_kill (armed boolean not null);
      insert into test_kill values (true);
      create function kill_on_outcome() returns trigger language plpgsql as $$
      begin
        if new.key = 'cut-off' and new.completed_at is not null and (select armed from test_kill) then
          perform pg_terminate_backend(pg_backend_pid());
          perform pg_sleep(5);
        end if;
        return new;
      end $$;
      create trigger kill_on_outcome before update on idempotency_keys
        for each row execute function kill_on_outcome();`);
    try {
      await expect(author.createRecipe(request, withKey('cut-off'))).rejects.toBeInstanceOf(ConnectError);
      expect(await recipesTitled('Cut Off Casserole')).toBe(0);
      expect((await db.query(`select 1 from idempotency_keys where key = 'cut-off'`)).rowCount).toBe(0);
      await db.query('update test_kill set armed = false');
      const headers: Headers[] = [];
      const retried = await author.createRecipe(request, { ...withKey('cut-off'), onHeader: (h) => headers.push(h) });
      expect(await author.createRecipe(request, { ...withKey('cut-off'), onHeader: (h) => headers.push(h) })).toEqual(retried);
      expect(headers.map((h) => h.get('idempotent-replayed'))).toEqual([null, 'true']);
      expect(await recipesTitled('Cut Off Casserole')).toBe(1);
    } finally {
      await db.query('drop trigger kill_on_outcome on idempotency_keys; drop function kill_on_outcome(); drop table test_kill');
    }
  });

  it('refuses a malformed key', async () => {
    const error = await expectCode(
      t.recipes('alice', ['author']).createRecipe({ recipe: recipeInput() }, withKey('x'.repeat(256))),
      Code.InvalidArgument,
    );
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.rawMessage).toMatch(/Idempotency-Key/);
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
