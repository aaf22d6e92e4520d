import { createClient } from '@connectrpc/connect';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { RecipeService, RecipeStatus, type Recipe, type User } from '@yeet/contract';
import { useId, useState } from 'react';
import { describeError } from '../lib/errors';
import { can, Role } from '../lib/roles';
import { useTransport } from '../lib/transport';

type Action = 'submit' | 'approve' | 'reject' | 'unpublish' | 'archive' | 'delete';

const done: Record<Action, string> = {
  submit: 'Submitted for review. An editor will look at it soon.',
  approve: 'Approved: the recipe is published.',
  reject: 'Sent back to the author with your note.',
  unpublish: 'Unpublished: the recipe is a draft again.',
  archive: 'Archived: readers no longer see the recipe; its author and editors still can.',
  delete: 'Draft deleted.',
};

/**
 * What the person looking at the recipe can do with it: the author edits, submits or
 * deletes a draft; an editor approves, rejects (with a reason), unpublishes or archives.
 * The API decides; this only offers the buttons that can succeed.
 */
export function RecipeActions({ recipe, me }: { recipe: Recipe; me: User | null | undefined }) {
  const transport = useTransport();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const id = useId();
  const [asking, setAsking] = useState<null | 'reject' | 'unpublish' | 'archive' | 'delete'>(null);
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<string | null>(null);

  const mutation = useMutation({
    mutationFn: async (action: Action) => {
      const client = createClient(RecipeService, transport);
      const request = { id: recipe.id, reason: reason.trim() };
      switch (action) {
        case 'submit':
          return client.submitRecipe({ id: recipe.id });
        case 'approve':
          return client.approveRecipe({ id: recipe.id });
        case 'reject':
          return client.rejectRecipe(request);
        case 'unpublish':
          return client.unpublishRecipe(request);
        case 'archive':
          return client.archiveRecipe(request);
        case 'delete':
          return client.deleteRecipe({ id: recipe.id });
      }
    },
    onSuccess: async (_result, action) => {
      setAsking(null);
      setReason('');
      setMessage(done[action]);
      await queryClient.invalidateQueries();
      if (action === 'delete') await navigate({ to: '/me/recipes' });
    },
  });

  if (!me) return null;
  const isOwner = recipe.author?.id === me.id || can(me, Role.ADMIN);
  const isEditor = can(me, Role.EDITOR);
  const status = recipe.status;
  const error = mutation.error ? describeError(mutation.error) : null;
  const ask = (what: typeof asking) => {
    mutation.reset();
    setMessage(null);
    setAsking(what);
  };

  const buttons: React.ReactNode[] = [];
  // Authors edit their drafts; editors may also correct a recipe in review or published.
  if ((isOwner && status === RecipeStatus.DRAFT) || (isEditor && status !== RecipeStatus.ARCHIVED)) {
    buttons.push(
      <Link key="edit" to="/r/$slug/edit" params={{ slug: recipe.slug }} className="button button--small button--quiet">
        Edit
      </Link>,
    );
  }
  if (isOwner && status === RecipeStatus.DRAFT) {
    buttons.push(
      <button key="submit" type="button" className="button button--small" disabled={mutation.isPending} onClick={() => mutation.mutate('submit')}>
        Submit for review
      </button>,
      <button key="delete" type="button" className="button button--small button--quiet" onClick={() => ask('delete')}>
        Delete draft
      </button>,
    );
  }
  if (isEditor && status === RecipeStatus.IN_REVIEW) {
    buttons.push(
      <button key="approve" type="button" className="button button--small" disabled={mutation.isPending} onClick={() => mutation.mutate('approve')}>
        Approve and publish
      </button>,
      <button key="reject" type="button" className="button button--small button--quiet" onClick={() => ask('reject')}>
        Reject…
      </button>,
    );
  }
  if (isEditor && status === RecipeStatus.PUBLISHED) {
    buttons.push(
      <button key="unpublish" type="button" className="button button--small button--quiet" onClick={() => ask('unpublish')}>
        Unpublish…
      </button>,
      <button key="archive" type="button" className="button button--small button--quiet" onClick={() => ask('archive')}>
        Archive…
      </button>,
    );
  }
  if (isOwner || isEditor) {
    buttons.push(
      <Link key="history" to="/r/$slug/history" params={{ slug: recipe.slug }} className="actions__link">
        History
      </Link>,
    );
  }
  if (buttons.length === 0 && !message) return null;

  const reasonRequired = asking === 'reject';
  return (
    <section className="actions" aria-label="Recipe actions">
      <div className="actions__buttons">{buttons}</div>
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
        <div className="actions__confirm" role="group" aria-labelledby={`${id}-delete`}>
          <p id={`${id}-delete`}>Delete “{recipe.title}” for good? This cannot be undone.</p>
          <div className="actions__buttons">
            <button type="button" className="button button--small button--danger" autoFocus disabled={mutation.isPending} onClick={() => mutation.mutate('delete')}>
              Delete
            </button>
            <button type="button" className="button button--small button--quiet" onClick={() => setAsking(null)}>
              Keep it
            </button>
          </div>
        </div>
      ) : asking ? (
        <form
          className="actions__confirm"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            mutation.mutate(asking);
          }}
        >
          <div className="field">
            <label htmlFor={`${id}-reason`}>
              {asking === 'reject' ? 'What should the author change?' : `Why ${asking} it?`}
              <span className="hint" id={`${id}-reason-hint`}>
                {reasonRequired ? 'Required. The author sees this note with their draft.' : 'Optional. Kept in the recipe’s history.'}
              </span>
            </label>
            <textarea
              id={`${id}-reason`}
              rows={3}
              maxLength={1000}
              value={reason}
              required={reasonRequired}
              autoFocus
              onChange={(e) => setReason(e.target.value)}
              aria-invalid={Boolean(error)}
              aria-describedby={`${id}-reason-hint${error ? ` ${id}-reason-error` : ''}`}
            />
            {error ? (
              <p className="field-error" id={`${id}-reason-error`}>
                {error.fields.reason ?? error.message}
              </p>
            ) : null}
          </div>
          <div className="actions__buttons">
            <button type="submit" className="button button--small" disabled={mutation.isPending}>
              {asking === 'reject' ? 'Reject' : asking === 'unpublish' ? 'Unpublish' : 'Archive'}
            </button>
            <button type="button" className="button button--small button--quiet" onClick={() => setAsking(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

/** Who can see a recipe that is not published, and why it is in that state. */
export function StatusBanner({ recipe }: { recipe: Recipe }) {
  if (recipe.status === RecipeStatus.PUBLISHED) return null;
  const text: Partial<Record<RecipeStatus, string>> = {
    [RecipeStatus.DRAFT]: 'This recipe is a draft: only its author, editors and admins can see it.',
    [RecipeStatus.IN_REVIEW]: 'This recipe is waiting for an editor’s review. It is not public yet.',
    [RecipeStatus.ARCHIVED]: 'This recipe is archived: readers no longer see it; its author, editors and admins still can.',
  };
  return (
    <div className="banner" role="note">
      <p>{text[recipe.status]}</p>
      {recipe.rejectionReason && recipe.status === RecipeStatus.DRAFT ? (
        <p>
          <strong>Editor’s note:</strong> {recipe.rejectionReason}
        </p>
      ) : null}
    </div>
  );
}
