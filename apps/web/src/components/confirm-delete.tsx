import { useEffect, useId, useRef } from 'react';

/** Deleting a draft cannot be undone: one more question first, with the answer in focus. */
export function ConfirmDelete(props: { title: string; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  const id = useId();
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => confirm.current?.focus(), []);
  return (
    <div className="actions__confirm">
      <p id={`${id}-delete`}>Delete “{props.title}” for good? This cannot be undone.</p>
      <div className="actions__buttons">
        <button
          ref={confirm}
          type="button"
          className="button button--small button--danger"
          aria-describedby={`${id}-delete`}
          disabled={props.busy}
          onClick={props.onConfirm}
        >
          Delete
        </button>
        <button type="button" className="button button--small button--quiet" onClick={props.onCancel}>
          Keep it
        </button>
      </div>
    </div>
  );
}
