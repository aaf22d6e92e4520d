import { maxReasonLength, transitions } from '@yeet/domain/lifecycle';
import { useEffect, useId, useRef, useState } from 'react';
import { defineMessages, useMessages } from '../lib/i18n';

/** The lifecycle actions whose request carries the editor's reason. */
export type ReasonedAction = 'reject' | 'unpublish' | 'archive';

const messages = defineMessages('reasonForm', {
  ask_reject: 'What should the author change?',
  ask_unpublish: 'Why unpublish it?',
  ask_archive: 'Why archive it?',
  reject: 'Reject',
  unpublish: 'Unpublish',
  archive: 'Archive',
  required: 'Required. The author sees this note with their draft.',
  optional: 'Optional. Kept in the recipe’s history.',
  cancel: 'Cancel',
});

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
  const t = useMessages(messages);
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
          {t[`ask_${props.action}`]}
          <span className="hint" id={`${id}-reason-hint`}>
            {required ? t.required : t.optional}
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
          {t[props.action]}
        </button>
        <button type="button" className="button button--small button--quiet" onClick={props.onCancel}>
          {t.cancel}
        </button>
      </div>
    </form>
  );
}
