import type { Transport } from '@connectrpc/connect';
import { useQueryClient } from '@tanstack/react-query';
import { ImageSlot, type Recipe } from '@yeet/contract';
import { useId, useRef, useState } from 'react';
import { describeError } from '../lib/errors';
import { defineMessages, params, useMessages } from '../lib/i18n';
import { useTransport } from '../lib/transport';
import { RecipeImage } from './cover';
import { imageClient, isConnectError } from '../lib/rpc';

const messages = defineMessages('coverUpload', {
  cover: 'Cover photo',
  coverAlt: params('Current cover photo of {title}'),
  noCover: 'No photo yet. Recipes with a photo get more cooks.',
  steps: 'Step photos',
  stepsLead: 'Optional: a photo under any step of the method as last saved, where it shows readers what to look for.',
  step: params('Step {n}.'),
  stepAlt: params('Current photo of step {n}'),
  noPhoto: 'No photo.',
  choose: 'Choose a photo',
  replace: 'Replace the photo',
  remove: 'Remove the photo',
  chooseStep: params('Choose a photo for step {n}'),
  replaceStep: params('Replace the photo for step {n}'),
  removeStep: params('Remove the photo for step {n}'),
  hint: 'JPEG, PNG, WebP, AVIF or HEIC, landscape works best. Location data is removed.',
  tryAgain: 'Try again',
  uploading: params('Uploading… {percent}%'),
  checking: 'Checking the photo…',
  saved: 'Photo saved.',
  notPhoto: 'This file is not a photo we can use. Choose a JPEG, PNG, WebP, AVIF or HEIC image.',
  interrupted: 'The upload was interrupted. Check your connection and try again.',
  failed: params('The upload failed (HTTP {status}).'),
});

/** An upload that failed on our side of it, named so the page can say it in the reader's language. */
export class PhotoError extends Error {
  constructor(
    readonly reason: 'notPhoto' | 'interrupted' | 'failed',
    message: string,
    readonly status = 0,
  ) {
    super(message);
  }
}

export const acceptedPhotos = ['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/heic'];

type State =
  | { step: 'idle' }
  | { step: 'uploading'; loaded: number; total: number }
  | { step: 'checking' }
  | { step: 'failed'; message: string; file: File | null }
  | { step: 'done' };

/** Where a photo goes: a recipe's cover, or one of its steps (from 0). */
export interface PhotoTarget {
  recipeId: string;
  slot: ImageSlot;
  stepIndex?: number;
}

/**
 * The three steps of an upload (a target, the bytes, the server's check and attachment),
 * reporting the bytes sent. Throws with a message for people when any step fails.
 */
export async function sendPhoto(
  transport: Transport,
  file: File,
  target: PhotoTarget,
  onProgress: (loaded: number, total: number) => void,
  onChecking: () => void,
): Promise<void> {
  if (file.type && !acceptedPhotos.includes(file.type)) {
    throw new PhotoError('notPhoto', 'This file is not a photo we can use. Choose a JPEG, PNG, WebP, AVIF or HEIC image.');
  }
  const images = imageClient(transport);
  onProgress(0, file.size);
  const upload = await images.createUpload({ byteSize: BigInt(file.size), contentType: file.type || 'image/jpeg' });
  await put(upload.url, upload.headers, file, (loaded) => onProgress(loaded, file.size));
  onChecking();
  await images.attachImage({ uploadId: upload.uploadId, ...target });
}

/**
 * The cover photo of a recipe: pick a file, watch it upload, and it is attached once the
 * server has checked it. A failed upload can be retried with the same file.
 */
export function CoverUpload({ recipe }: { recipe: Recipe }) {
  const id = useId();
  const t = useMessages(messages);
  return (
    <section className="cover-upload" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t.cover}</h2>
      <PhotoUpload
        target={{ recipeId: recipe.id, slot: ImageSlot.COVER }}
        image={recipe.coverImage}
        alt={t.coverAlt({ title: recipe.title })}
        empty={t.noCover}
      />
    </section>
  );
}

/** A photo for each step of the method, where showing beats telling (the fold, the colour). */
export function StepPhotos({ recipe }: { recipe: Recipe }) {
  const id = useId();
  const t = useMessages(messages);
  if (recipe.steps.length === 0) return null;
  return (
    <section className="cover-upload" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t.steps}</h2>
      <p className="muted">{t.stepsLead}</p>
      <ol className="step-photos">
        {recipe.steps.map((step, index) => (
          // a step is known by its place: photos follow the step at that index
          // biome-ignore lint/suspicious/noArrayIndexKey: the index is the step's identity here
          <li key={index} className="step-photos__step">
            <p className="step-photos__text">
              <strong>{t.step({ n: index + 1 })}</strong> {step.text}
            </p>
            <PhotoUpload
              target={{ recipeId: recipe.id, slot: ImageSlot.STEP, stepIndex: index }}
              image={step.image}
              alt={t.stepAlt({ n: index + 1 })}
              empty={t.noPhoto}
              step={index + 1}
            />
          </li>
        ))}
      </ol>
    </section>
  );
}

function PhotoUpload({
  target,
  image,
  alt,
  empty,
  step,
}: {
  target: PhotoTarget;
  image: Recipe['coverImage'];
  alt: string;
  empty: string;
  /** The step (from 1) the photo is for, named in "Choose …", "Replace …" and "Remove …"; none for the cover. */
  step?: number;
}) {
  const t = useMessages(messages);
  const messageOf = (error: unknown) =>
    error instanceof PhotoError
      ? error.reason === 'failed'
        ? t.failed({ status: error.status })
        : t[error.reason]
      : isConnectError(error) || !(error instanceof Error)
        ? describeError(error).message
        : error.message;
  const transport = useTransport();
  const queryClient = useQueryClient();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<State>({ step: 'idle' });

  const upload = async (file: File) => {
    try {
      await sendPhoto(
        transport,
        file,
        target,
        (loaded, total) => setState({ step: 'uploading', loaded, total }),
        () => setState({ step: 'checking' }),
      );
      await queryClient.invalidateQueries();
      setState({ step: 'done' });
      if (input.current) input.current.value = '';
    } catch (error) {
      setState({ step: 'failed', message: messageOf(error), file });
    }
  };

  const remove = async () => {
    try {
      await imageClient(transport).detachImage(target);
      await queryClient.invalidateQueries();
      setState({ step: 'idle' });
    } catch (error) {
      setState({ step: 'failed', message: messageOf(error), file: null });
    }
  };

  const busy = state.step === 'uploading' || state.step === 'checking';
  return (
    <div className="cover-upload__body">
      <div className="cover-upload__preview">
        {image ? (
          <RecipeImage image={image} alt={alt} sizes="16rem" className="cover-upload__image" />
        ) : (
          <p className="muted">{empty}</p>
        )}
      </div>
      <div className="cover-upload__controls">
        <div className="field">
          <label htmlFor={`${id}-file`}>
            {image ? (step ? t.replaceStep({ n: step }) : t.replace) : step ? t.chooseStep({ n: step }) : t.choose}
            <span className="hint" id={`${id}-hint`}>
              {t.hint}
            </span>
          </label>
          <input
            ref={input}
            id={`${id}-file`}
            type="file"
            accept={acceptedPhotos.join(',')}
            disabled={busy}
            aria-describedby={`${id}-hint ${id}-status`}
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void upload(file);
            }}
          />
        </div>
        <div id={`${id}-status`} role="status" className="cover-upload__status">
          <UploadStatus state={state} id={id} />
        </div>
        {state.step === 'failed' ? (
          <div className="field-error" role="alert">
            <p>{state.message}</p>
            {state.file ? (
              <button type="button" className="button button--small" onClick={() => state.file && void upload(state.file)}>
                {t.tryAgain}
              </button>
            ) : null}
          </div>
        ) : null}
        {image && !busy ? (
          <button type="button" className="link-button" onClick={() => void remove()}>
            {step ? t.removeStep({ n: step }) : t.remove}
          </button>
        ) : null}
      </div>
    </div>
  );
}

/** How an upload is going: its progress bar, the check, or done. */
export function UploadStatus({ state, id }: { state: State; id: string }) {
  const t = useMessages(messages);
  return state.step === 'uploading' ? (
    <>
      <label htmlFor={`${id}-progress`}>
        {t.uploading({ percent: Math.round((state.loaded / Math.max(1, state.total)) * 100) })}
      </label>
      <progress id={`${id}-progress`} max={state.total} value={state.loaded} />
    </>
  ) : state.step === 'checking' ? (
    t.checking
  ) : state.step === 'done' ? (
    t.saved
  ) : null;
}

export type { State as UploadState };

/** PUT with XMLHttpRequest, because fetch cannot report upload progress. */
function put(url: string, headers: Record<string, string>, file: File, onProgress: (loaded: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      let message: string | undefined;
      try {
        message = (JSON.parse(xhr.responseText) as { error?: string }).error;
      } catch {
        // not JSON (e.g. an S3 error document): the generic message
      }
      // the server's own words when it gave them, else ours
      reject(message ? new Error(message) : new PhotoError('failed', `The upload failed (HTTP ${xhr.status}).`, xhr.status));
    };
    xhr.onerror = () => reject(new PhotoError('interrupted', 'The upload was interrupted. Check your connection and try again.'));
    xhr.send(file);
  });
}
