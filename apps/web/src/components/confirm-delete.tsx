import { useEffect, useId, useRef } from 'react';
import { defineMessages, params, useMessages } from '../lib/i18n';

const messages = defineMessages('confirmDelete', {
  question: params('Delete “{title}” for good? This cannot be undone.'),
  delete: 'Delete',
  keep: 'Keep it',
});

/** Deleting a draft cannot be undone: one more question first, with the answer in focus. */
export function ConfirmDelete(props: { title: string; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  const id = useId();
  const t = useMessages(messages);
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => confirm.current?.focus(), []);
  return (
    <div className="actions__confirm">
      <p id={`${id}-delete`}>{t.question({ title: props.title })}</p>
      <div className="actions__buttons">
        <button
          ref={confirm}
          type="button"
          className="button button--small button--danger"
          aria-describedby={`${id}-delete`}
          disabled={props.busy}
          onClick={props.onConfirm}
        >
          {t.delete}
        </button>
        <button type="button" className="button button--small button--quiet" onClick={props.onCancel}>
          {t.keep}
        </button>
      </div>
    </div>
  );
}
