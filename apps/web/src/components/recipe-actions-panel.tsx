import { Link } from '@tanstack/react-router';
import { recipeStatusValues, type Recipe, type User } from '@yeet/contract';
import { actorFor, canEdit, canPerform, isDeletable, lifecycleActions, type LifecycleAction } from '@yeet/domain/lifecycle';
import { useState, type ReactNode } from 'react';
import { describeError } from '../lib/errors';
import { defineMessages, useMessages } from '../lib/i18n';
import { type RecipeAction, useRecipeAction } from '../lib/recipe-actions';
import { callerOf } from '../lib/roles';
import { ConfirmDelete } from './confirm-delete';
import { ReasonForm, type ReasonedAction } from './reason-form';

const messages = defineMessages('recipeActions', {
  submit: 'Submit for review',
  approve: 'Approve and publish',
  reject: 'Reject…',
  unpublish: 'Unpublish…',
  archive: 'Archive…',
  edit: 'Edit',
  delete: 'Delete draft',
  history: 'History',
  actions: 'Recipe actions',
  done_submit: 'Submitted for review. An editor will look at it soon.',
  done_approve: 'Approved: the recipe is published.',
  done_reject: 'Sent back to the author with your note.',
  done_unpublish: 'Unpublished: the recipe is a draft again.',
  done_archive: 'Archived: readers no longer see the recipe; its author and editors still can.',
  done_delete: 'Draft deleted.',
});

/** Each lifecycle action's button (labelled by its name); those with "…" ask for a reason first. */
const buttons: Record<LifecycleAction, { asks?: ReasonedAction; primary?: true }> = {
  submit: { primary: true },
  approve: { primary: true },
  reject: { asks: 'reject' },
  unpublish: { asks: 'unpublish' },
  archive: { asks: 'archive' },
};

/**
 * What the person looking at the recipe can do with it: the author edits, submits or
 * deletes a draft; an editor approves, rejects (with a reason), unpublishes or archives.
 * The buttons are the ones the domain's lifecycle table allows; the API decides.
 */
export function RecipeActionsPanel({ recipe, me }: { recipe: Recipe; me: User | null | undefined }) {
  const [asking, setAsking] = useState<ReasonedAction | 'delete' | null>(null);
  const [done, setDone] = useState<RecipeAction | null>(null);
  const t = useMessages(messages);
  const message = done ? t[`done_${done}`] : null;
  const mutation = useRecipeAction(recipe, (action) => {
    setAsking(null);
    setDone(action);
  });

  const status = recipeStatusValues.toDomain(recipe.status);
  if (!me || !status) return null;
  const actor = actorFor(callerOf(me), recipe.author?.id ?? '');
  const error = mutation.error ? describeError(mutation.error) : null;
  const ask = (what: typeof asking) => {
    mutation.reset();
    setDone(null);
    setAsking(what);
  };

  const offered: ReactNode[] = [];
  if (canEdit(status, actor)) {
    offered.push(
      <Link key="edit" to="/r/$slug/edit" params={{ slug: recipe.slug }} className="button button--small button--quiet">
        {t.edit}
      </Link>,
    );
  }
  for (const action of lifecycleActions.filter((a) => canPerform(a, status, actor))) {
    const { asks, primary } = buttons[action];
    offered.push(
      <button
        key={action}
        type="button"
        className={primary ? 'button button--small' : 'button button--small button--quiet'}
        disabled={!asks && mutation.isPending}
        onClick={() => (asks ? ask(asks) : mutation.mutate({ action }))}
      >
        {t[action]}
      </button>,
    );
  }
  if (actor.isOwner && isDeletable(status)) {
    offered.push(
      <button key="delete" type="button" className="button button--small button--quiet" onClick={() => ask('delete')}>
        {t.delete}
      </button>,
    );
  }
  if (actor.isOwner || actor.isEditor) {
    offered.push(
      <Link key="history" to="/r/$slug/history" params={{ slug: recipe.slug }} className="actions__link">
        {t.history}
      </Link>,
    );
  }
  if (offered.length === 0 && !message) return null;

  return (
    <section className="actions" aria-label={t.actions}>
      <div className="actions__buttons">{offered}</div>
      {message ? (
        <p className="actions__done" role="status">
          {message}
        </p>
      ) : null}
      {error && !asking ? (
        <p className="field-error" role="alert">
          {error.message}
        </p>
      ) : null}
      {asking === 'delete' ? (
        <ConfirmDelete
          title={recipe.title}
          busy={mutation.isPending}
          onConfirm={() => mutation.mutate({ action: 'delete' })}
          onCancel={() => setAsking(null)}
        />
      ) : asking ? (
        <ReasonForm
          action={asking}
          busy={mutation.isPending}
          error={error}
          onSubmit={(reason) => mutation.mutate({ action: asking, reason })}
          onCancel={() => setAsking(null)}
        />
      ) : null}
    </section>
  );
}
