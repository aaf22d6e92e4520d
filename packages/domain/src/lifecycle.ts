import { failedPrecondition, invalidField, permissionDenied } from './errors.ts';
import { hasControlCharacters } from './text.ts';

/**
 * The recipe lifecycle, in one table. Every state change goes through `planTransition`;
 * anything the table does not list is illegal and fails with FailedPrecondition.
 */
export const recipeStatuses = ['draft', 'in_review', 'published', 'archived'] as const;
export type RecipeStatus = (typeof recipeStatuses)[number];

export const lifecycleActions = ['submit', 'approve', 'reject', 'unpublish', 'archive'] as const;
export type LifecycleAction = (typeof lifecycleActions)[number];

/** Who may perform an action: the recipe's author (or an admin), or an editor. */
export type Performer = 'owner' | 'editor';

export interface TransitionRule {
  readonly from: readonly RecipeStatus[];
  readonly to: RecipeStatus;
  readonly by: Performer;
  readonly reason: 'required' | 'optional';
  /** Past participle for messages: "only drafts can be submitted". */
  readonly done: string;
}

export const transitions = {
  submit: { from: ['draft'], to: 'in_review', by: 'owner', reason: 'optional', done: 'submitted' },
  approve: { from: ['in_review'], to: 'published', by: 'editor', reason: 'optional', done: 'approved' },
  reject: { from: ['in_review'], to: 'draft', by: 'editor', reason: 'required', done: 'rejected' },
  unpublish: { from: ['published'], to: 'draft', by: 'editor', reason: 'optional', done: 'unpublished' },
  archive: { from: ['published'], to: 'archived', by: 'editor', reason: 'optional', done: 'archived' },
} as const satisfies Record<LifecycleAction, TransitionRule>;

export const statusLabels: Record<RecipeStatus, string> = {
  draft: 'a draft',
  in_review: 'in review',
  published: 'published',
  archived: 'archived',
};

const pluralLabels: Record<RecipeStatus, string> = {
  draft: 'drafts',
  in_review: 'recipes in review',
  published: 'published recipes',
  archived: 'archived recipes',
};

export const maxReasonLength = 1000;

export interface PlannedTransition {
  action: LifecycleAction;
  from: RecipeStatus;
  to: RecipeStatus;
  reason: string | null;
}

/** What the caller is to this recipe. */
export interface Actor {
  /** The recipe's author, or an admin (who may act on anything). */
  isOwner: boolean;
  /** Holds the editor role (or admin). */
  isEditor: boolean;
}

const performerNames: Record<Performer, string> = { owner: "the recipe's author", editor: 'editors' };

/**
 * Checks that `actor` may perform `action` and that it is legal from `status`; returns the
 * transition to record.
 */
export function planTransition(
  status: RecipeStatus,
  action: LifecycleAction,
  actor: Actor,
  reasonInput = '',
): PlannedTransition {
  const rule: TransitionRule = transitions[action];
  if (rule.by === 'owner' ? !actor.isOwner : !actor.isEditor) {
    throw permissionDenied(`Only ${performerNames[rule.by]} can ${action} a recipe.`);
  }
  const reason = reasonInput.trim();
  if (rule.reason === 'required' && !reason) {
    throw invalidField('reason', `give a reason when a recipe is ${rule.done}, so the author knows what to change`);
  }
  if (reason.length > maxReasonLength) {
    throw invalidField('reason', `must be at most ${maxReasonLength} characters`);
  }
  if (hasControlCharacters(reason)) throw invalidField('reason', 'contains control characters; remove them');
  if (!rule.from.includes(status)) {
    const allowed = rule.from.map((s) => pluralLabels[s]).join(' or ');
    throw failedPrecondition(`This recipe is ${statusLabels[status]}; only ${allowed} can be ${rule.done}.`);
  }
  return { action, from: status, to: rule.to, reason: reason || null };
}

/** States in which the author may edit their recipe, and in which an editor may. */
export const editableBy: Record<Performer, readonly RecipeStatus[]> = {
  owner: ['draft'],
  editor: ['draft', 'in_review', 'published'],
};

export function assertEditable(status: RecipeStatus, as: Performer): void {
  if (!editableBy[as].includes(status)) {
    const hint =
      as === 'owner' && status !== 'archived'
        ? ' Ask an editor to send it back to draft, or wait for the review.'
        : '';
    throw failedPrecondition(`This recipe is ${statusLabels[status]} and cannot be edited.${hint}`);
  }
}

export function assertDeletable(status: RecipeStatus): void {
  if (status !== 'draft') {
    throw failedPrecondition(
      `This recipe is ${statusLabels[status]}; only drafts can be deleted. Published recipes can be archived instead.`,
    );
  }
}

/** Visible to everyone; other states only to the author, editors and admins. */
export const isPublic = (status: RecipeStatus): boolean => status === 'published';
