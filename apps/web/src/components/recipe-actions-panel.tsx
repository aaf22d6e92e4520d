import { Link } from '@tanstack/react-router';
import { recipeStatusValues, type Recipe, type User } from '@yeet/contract';
import { actorFor, canEdit, canPerform, isDeletable, lifecycleActions, type LifecycleAction } from '@yeet/domain/lifecycle';
import { useState, type ReactNode } from 'react';
import { describeError } from '../lib/errors';
import { useRecipeAction } from '../lib/recipe-actions';
import { callerOf } from '../lib/roles';
import { ConfirmDelete } from './confirm-delete';
import { ReasonForm, type ReasonedAction } from './reason-form';

/** Each lifecycle action's button; those with "…" ask for a reason first. */
const buttons: Record<LifecycleAction, { label: string; asks?: ReasonedAction; primary?: true }> = {
  submit: { label: 'Submit for review', primary: true },
  approve: { label: 'Approve and publish', primary: true },
  reject: { label: 'Reject…', asks: 'reject' },
  unpublish: { label: 'Unpublish…', asks: 'unpublish' },
  archive: { label: 'Archive…', asks: 'archive' },
};

/**
 * What the person looking at the recipe can do with it: the author edits, submits or
 * deletes a draft; an editor approves, rejects (with a reason), unpublishes or archives.
 * The buttons are the ones the domain's lifecycle table allows; the API decides.
 */
export function RecipeActionsPanel({ recipe, me }: { recipe: Recipe; me: User | null | undefined }) {
  const [asking, setAsking] = useState<ReasonedAction | 'delete' | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const mutation = useRecipeAction(recipe, (done) => {
    setAsking(null);
    setMessage(done);
  });

  const status = recipeStatusValues.toDomain(recipe.status);
  if (!me || !status) return null;
  const actor = actorFor(callerOf(me), recipe.author?.id ?? '');
  const error = mutation.error ? describeError(mutation.error) : null;
  const ask = (what: typeof asking) => {
    mutation.reset();
    setMessage(null);
    setAsking(what);
  };

  const offered: ReactNode[] = [];
  if (canEdit(status, actor)) {
    offered.push(
      <Link key="edit" to="/r/$slug/edit" params={{ slug: recipe.slug }} className="button button--small button--quiet">
        Edit
      </Link>,
    );
  }
  for (const action of lifecycleActions.filter((a) => canPerform(a, status, actor))) {
    const { label, asks, primary } = buttons[action];
    offered.push(
      <button
        key={action}
        type="button"
        className={primary ? 'button button--small' : 'button button--small button--quiet'}
        disabled={!asks && mutation.isPending}
        onClick={() => (asks ? ask(asks) : mutation.mutate({ action }))}
      >
        {label}
      </button>,
    );
  }
  if (actor.isOwner && isDeletable(status)) {
    offered.push(
      <button key="delete" type="button" className="button button--small button--quiet" onClick={() => ask('delete')}>
        Delete draft
      </button>,
    );
  }
  if (actor.isOwner || actor.isEditor) {
    offered.push(
      <Link key="history" to="/r/$slug/history" params={{ slug: recipe.slug }} className="actions__link">
        History
      </Link>,
    );
  }
  if (offered.length === 0 && !message) return null;

  return (
    <section className="actions" aria-label="Recipe actions">
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
