import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code } from '@connectrpc/connect';
import { AuditService, Role as PbRole, UserService } from '@yeet/contract';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../support/logs.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectCode, recipeInput } from '../support/recipes.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.stop());

const admin = () => t.client(AuditService, 'audit-admin', ['admin']);

describe('AuditService.ListEvents', () => {
  it('lists lifecycle transitions, role changes and deletions newest first, filtered and paged', async () => {
    const started = new Date();
    const author = t.recipes('audit-author', ['author']);
    const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'Audited soup' }) });
    await author.submitRecipe({ id: recipe!.id });
    await t.recipes('audit-editor', ['editor']).approveRecipe({ id: recipe!.id });
    const users = t.client(UserService, 'audit-admin', ['admin']);
    const { user: target } = await t.client(UserService, 'audit-target').getMe({});
    await users.setUserRoles({ userId: target!.id, roles: [PbRole.AUTHOR] });
    await users.deleteUser({ userId: target!.id });

    const all = await admin().listEvents({ since: timestampFromDate(started) });
    expect(all.events.map((e) => [e.kind, e.subjectLabel])).toEqual([
      ['user.deleted', 'A former member'],
      ['user.roles_changed', 'A former member'],
      ['recipe.approve', 'Audited soup'],
      ['recipe.submit', 'Audited soup'],
      ['recipe.create', 'Audited soup'],
    ]);
    const roles = all.events[1]!;
    expect(roles.actor?.displayName).toBe('audit-admin');
    expect(roles.detail).toEqual({ from: ['user'], to: ['user', 'author'] });
    expect(all.events[2]!.detail).toEqual({ from: 'in_review', to: 'published' });

    const byKind = await admin().listEvents({ kinds: ['recipe.approve'], subjectId: recipe!.id });
    expect(byKind.events.map((e) => e.actor?.displayName)).toEqual(['audit-editor']);
    const { user: editorUser } = await t.client(UserService, 'audit-editor', ['editor']).getMe({});
    expect((await admin().listEvents({ actorId: editorUser!.id })).events.map((e) => e.kind)).toEqual(['recipe.approve']);
    expect((await admin().listEvents({ until: timestampFromDate(started) })).events).toEqual([]);

    // Pages of two, newest first, without gaps or repeats.
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await admin().listEvents({ since: timestampFromDate(started), pageSize: 2, pageToken });
      seen.push(...page.events.map((e) => e.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toEqual(all.events.map((e) => e.id));
  });

  it('is for admins only, and says what is wrong with a filter', async () => {
    await expectCode(t.client(AuditService, 'audit-nosy', ['editor']).listEvents({}), Code.PermissionDenied);
    const err = await expectCode(admin().listEvents({ kinds: ['recipe.eat'] }), Code.InvalidArgument);
    expect(err.rawMessage).toContain('"recipe.eat" is not a kind');
    await expectCode(admin().listEvents({ actorId: 'someone' }), Code.InvalidArgument);
  });
});

describe('retention', () => {
  it('the daily audit.sweep forgets events older than AUDIT_RETENTION_DAYS (730 by default), and only those', async () => {
    const db = new pg.Client({ connectionString: t.database.url });
    await db.connect();
    try {
      await db.query(`insert into audit_events (kind, detail, created_at) values
        ('user.deleted', '{"mark": "old"}', now() - interval '731 days'),
        ('user.deleted', '{"mark": "kept"}', now() - interval '729 days')`);
      const { logger } = captureLogs('info');
      await t.platform.api!.jobs.tasks['audit.sweep'].run({}, { logger });
      const { rows } = await db.query(`select detail->>'mark' as mark from audit_events where detail ? 'mark'`);
      expect(rows).toEqual([{ mark: 'kept' }]);
    } finally {
      await db.end();
    }
  });
});
