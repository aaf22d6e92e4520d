import { maxReasonLength, transitions } from '@yeet/domain/lifecycle';
import { useEffect, useId, useRef, useState } from 'react';

/** The lifecycle actions whose request carries the editor's reason. */
export type ReasonedAction = 'reject' | 'unpublish' | 'archive';

const copy: Record<ReasonedAction, { question: string; button: string }> = {
  reject: { question: 'What should the author change?', button: 'Reject' },
  unpublish: { question: 'Why unpublish it?', button: 'Unpublish' },
  archive: { question: 'Why archive it?', button: 'Archive' },
};

/**
 * Asks for the reason that goes with an editor's action (required where the lifecycle
 * requires one), and shows the API's answer about it. The question takes focus when it opens.
 */
export function ReasonForm(props: {
  action: ReasonedAction;
  busy: boolean;
  error: { message: string; fields: Record<string, string> } | null;
  onSubmit: (reason: string) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const [reason, setReason] = useState('');
  const field = useRef<HTMLTextAreaElement>(null);
  useEffect(() => field.current?.focus(), []);
  const required = transitions[props.action].reason === 'required';
  const { error } = props;
  return (
    <form
      className="actions__confirm"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit(reason);
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-reason`}>
          {copy[props.action].question}
          <span className="hint" id={`${id}-reason-hint`}>
            {required ? 'Required. The author sees this note with their draft.' : 'Optional. Kept in the recipe’s history.'}
          </span>
        </label>
        <textarea
          id={`${id}-reason`}
          ref={field}
          rows={3}
          maxLength={maxReasonLength}
          value={reason}
          required={required}
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
        <button type="submit" className="button button--small" disabled={props.busy}>
          {copy[props.action].button}
        </button>
        <button type="button" className="button button--small button--quiet" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
