import { hasRole, isOwnerOrAdmin, type Caller } from './caller.ts';
import { failedPrecondition, invalidField, permissionDenied } from './errors.ts';
import type { RecipeEventAction } from './event.ts';
import { hasControlCharacters } from './text.ts';
import type { RecipeStatus } from './values.ts';

/**
 * The recipe lifecycle, in one table. Every state change goes through `planTransition`;
 * anything the table does not list is illegal and fails with FailedPrecondition. The web
 * app offers only what the table allows (`@yeet/domain/lifecycle`, free of zod).
 */

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

// "This recipe is a draft", "only drafts can be submitted"
const statusPhrases: Record<RecipeStatus, string> = {
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

/** What `caller` is to a recipe written by `authorId`. */
export function actorFor(caller: Caller, authorId: string): Actor {
  return { isOwner: isOwnerOrAdmin(caller, authorId), isEditor: hasRole(caller, 'editor') };
}

const performerNames: Record<Performer, string> = { owner: "the recipe's author", editor: 'editors' };

const isPerformer = (by: Performer, actor: Actor): boolean => (by === 'owner' ? actor.isOwner : actor.isEditor);

/** Whether `planTransition` lets `actor` perform `action` from `status` (given a reason where one is required). */
export function canPerform(action: LifecycleAction, status: RecipeStatus, actor: Actor): boolean {
  const rule: TransitionRule = transitions[action];
  return isPerformer(rule.by, actor) && rule.from.includes(status);
}

/**
 * Checks that `actor` may perform `action` and that it is legal from `status`; returns the
 * transition to record.
 */
export function planTransition(status: RecipeStatus, action: LifecycleAction, actor: Actor, reasonInput = ''): PlannedTransition {
  const rule: TransitionRule = transitions[action];
  if (!isPerformer(rule.by, actor)) {
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
    throw failedPrecondition(`This recipe is ${statusPhrases[status]}; only ${allowed} can be ${rule.done}.`);
  }
  return { action, from: status, to: rule.to, reason: reason || null };
}

/** States in which the author may edit their recipe, and in which an editor may. */
export const editableBy: Record<Performer, readonly RecipeStatus[]> = {
  owner: ['draft'],
  editor: ['draft', 'in_review', 'published'],
};

/** Whether `actor` may edit a recipe in `status`, as the author or as an editor. */
export function canEdit(status: RecipeStatus, actor: Actor): boolean {
  return (actor.isOwner && editableBy.owner.includes(status)) || (actor.isEditor && editableBy.editor.includes(status));
}

export function assertEditable(status: RecipeStatus, as: Performer): void {
  if (!editableBy[as].includes(status)) {
    const hint =
      as === 'owner' && status !== 'archived' ? ' Ask an editor to send it back to draft, or wait for the review.' : '';
    throw failedPrecondition(`This recipe is ${statusPhrases[status]} and cannot be edited.${hint}`);
  }
}

/** Only drafts can be deleted; published recipes are archived instead. */
/**
 * The fields a draft must fill before it can go to review (by their RecipeInput names); the
 * rule itself is `missingForReview`, and forms mark these fields from this list.
 */
export const neededForReview = ['summary', 'ingredientSections', 'steps', 'totalMinutes', 'difficulty', 'mealTypes'] as const;
export type NeededForReview = (typeof neededForReview)[number];

export const isDeletable = (status: RecipeStatus): boolean => status === 'draft';

export function assertDeletable(status: RecipeStatus): void {
  if (!isDeletable(status)) {
    throw failedPrecondition(
      `This recipe is ${statusPhrases[status]}; only drafts can be deleted. Published recipes can be archived instead.`,
    );
  }
}

/** Visible to everyone; other states only to the author, editors and admins. */
export const isPublic = (status: RecipeStatus): boolean => status === 'published';

/** How a recipe's history names each event. */
export const recipeEventLabels: Record<RecipeEventAction, string> = {
  create: 'Created',
  update: 'Edited',
  submit: 'Submitted for review',
  approve: 'Approved and published',
  reject: 'Rejected',
  unpublish: 'Unpublished',
  archive: 'Archived',
};
