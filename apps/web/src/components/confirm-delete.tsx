import { useId } from 'react';

/** Deleting a draft cannot be undone: one more question first. */
export function ConfirmDelete(props: { title: string; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  const id = useId();
  return (
    <div className="actions__confirm" role="group" aria-labelledby={`${id}-delete`}>
      <p id={`${id}-delete`}>Delete “{props.title}” for good? This cannot be undone.</p>
      <div className="actions__buttons">
        <button type="button" className="button button--small button--danger" autoFocus disabled={props.busy} onClick={props.onConfirm}>
          Delete
        </button>
        <button type="button" className="button button--small button--quiet" onClick={props.onCancel}>
          Keep it
        </button>
      </div>
    </div>
  );
}
