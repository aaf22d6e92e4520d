import { describe, expect, it } from 'vitest';
import {
  assertDeletable,
  assertEditable,
  canEdit,
  canPerform,
  DomainError,
  isDeletable,
  lifecycleActions,
  planTransition,
  recipeStatuses,
  type LifecycleAction,
  type RecipeStatus,
} from '../src/index.ts';

/** The expected lifecycle, written out independently of the table in lifecycle.ts. */
const legal: Record<LifecycleAction, { from: RecipeStatus; to: RecipeStatus; by: 'owner' | 'editor' }> = {
  submit: { from: 'draft', to: 'in_review', by: 'owner' },
  approve: { from: 'in_review', to: 'published', by: 'editor' },
  reject: { from: 'in_review', to: 'draft', by: 'editor' },
  unpublish: { from: 'published', to: 'draft', by: 'editor' },
  archive: { from: 'published', to: 'archived', by: 'editor' },
};

const owner = { isOwner: true, isEditor: false };
const editor = { isOwner: false, isEditor: true };
const stranger = { isOwner: false, isEditor: false };

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
}

describe('planTransition: every state × every action', () => {
  const cases = recipeStatuses.flatMap((status) => lifecycleActions.map((action) => ({ status, action })));

  it.each(cases)('$action from $status', ({ status, action }) => {
    const rule = legal[action];
    const actor = rule.by === 'owner' ? owner : editor;
    const reason = 'because';
    if (status === rule.from) {
      expect(planTransition(status, action, actor, reason)).toEqual({ action, from: status, to: rule.to, reason });
    } else {
      expect(codeOf(() => planTransition(status, action, actor, reason))).toBe('failed_precondition');
    }
  });

  it('covers 4 states × 5 actions', () => expect(cases).toHaveLength(20));
});

describe('planTransition: who may act', () => {
  it.each(lifecycleActions)('%s is refused to someone who is neither owner nor editor', (action) => {
    expect(codeOf(() => planTransition(legal[action].from, action, stranger, 'reason'))).toBe('permission_denied');
  });

  it('an editor cannot submit a draft they do not own', () => {
    expect(codeOf(() => planTransition('draft', 'submit', editor))).toBe('permission_denied');
  });

  it.each(['approve', 'reject', 'unpublish', 'archive'] as const)('an owner without the editor role cannot %s', (action) => {
    expect(codeOf(() => planTransition(legal[action].from, action, owner, 'reason'))).toBe('permission_denied');
  });
});

describe('planTransition: reasons', () => {
  it('rejecting needs a reason, named as the field', () => {
    try {
      planTransition('in_review', 'reject', editor, '   ');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('invalid_argument');
      expect((e as DomainError).violations.map((v) => v.field)).toEqual(['reason']);
    }
  });

  it('keeps an optional reason, trimmed, and records none when empty', () => {
    expect(planTransition('published', 'unpublish', editor, '  outdated  ').reason).toBe('outdated');
    expect(planTransition('published', 'unpublish', editor, '').reason).toBeNull();
  });

  it('refuses a reason longer than 1000 characters', () => {
    expect(codeOf(() => planTransition('in_review', 'reject', editor, 'x'.repeat(1001)))).toBe('invalid_argument');
  });

  it('explains an illegal transition in words', () => {
    expect(() => planTransition('draft', 'approve', editor)).toThrow(
      'This recipe is a draft; only recipes in review can be approved.',
    );
  });
});

describe('editing and deleting', () => {
  it.each(recipeStatuses)('owner may edit only drafts (%s)', (status) => {
    expect(codeOf(() => assertEditable(status, 'owner'))).toBe(status === 'draft' ? null : 'failed_precondition');
  });

  it.each(recipeStatuses)('editor may edit anything but archived (%s)', (status) => {
    expect(codeOf(() => assertEditable(status, 'editor'))).toBe(status === 'archived' ? 'failed_precondition' : null);
  });

  it.each(recipeStatuses)('only drafts can be deleted (%s)', (status) => {
    expect(codeOf(() => assertDeletable(status))).toBe(status === 'draft' ? null : 'failed_precondition');
  });
});

describe('what the web app offers agrees with what the API allows', () => {
  const actors = { owner, editor, stranger, both: { isOwner: true, isEditor: true } };
  const cases = recipeStatuses.flatMap((status) =>
    Object.entries(actors).flatMap(([who, actor]) => lifecycleActions.map((action) => ({ status, who, actor, action }))),
  );

  it.each(cases)('$action from $status by $who', ({ status, actor, action }) => {
    expect(canPerform(action, status, actor)).toBe(codeOf(() => planTransition(status, action, actor, 'because')) === null);
  });

  it.each(recipeStatuses)('editing a recipe in %s', (status) => {
    for (const actor of Object.values(actors)) {
      const allowed = (['owner', 'editor'] as const).some(
        (as) => (as === 'owner' ? actor.isOwner : actor.isEditor) && codeOf(() => assertEditable(status, as)) === null,
      );
      expect(canEdit(status, actor)).toBe(allowed);
    }
    expect(isDeletable(status)).toBe(codeOf(() => assertDeletable(status)) === null);
  });
});
