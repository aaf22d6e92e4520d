import { useQueryClient } from '@tanstack/react-query';
import { ImageSlot, type Recipe } from '@yeet/contract';
import { useId, useRef, useState } from 'react';
import { describeError } from '../lib/errors';
import { useTransport } from '../lib/transport';
import { RecipeImage } from './cover';
import { imageClient, isConnectError } from '../lib/rpc';

const accepted = ['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/heic'];

type State =
  | { step: 'idle' }
  | { step: 'uploading'; loaded: number; total: number }
  | { step: 'checking' }
  | { step: 'failed'; message: string; file: File | null }
  | { step: 'done' };

/**
 * The cover photo of a recipe: pick a file, watch it upload, and it is attached once the
 * server has checked it. A failed upload can be retried with the same file.
 */
export function CoverUpload({ recipe }: { recipe: Recipe }) {
  const transport = useTransport();
  const queryClient = useQueryClient();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<State>({ step: 'idle' });
  const images = imageClient(transport);

  const upload = async (file: File) => {
    try {
      if (file.type && !accepted.includes(file.type)) {
        throw new Error('This file is not a photo we can use. Choose a JPEG, PNG, WebP, AVIF or HEIC image.');
      }
      setState({ step: 'uploading', loaded: 0, total: file.size });
      const target = await images.createUpload({ byteSize: BigInt(file.size), contentType: file.type || 'image/jpeg' });
      await put(target.url, target.headers, file, (loaded) => setState({ step: 'uploading', loaded, total: file.size }));
      setState({ step: 'checking' });
      await images.attachImage({ uploadId: target.uploadId, recipeId: recipe.id, slot: ImageSlot.COVER });
      await queryClient.invalidateQueries();
      setState({ step: 'done' });
      if (input.current) input.current.value = '';
    } catch (error) {
      setState({ step: 'failed', message: messageOf(error), file });
    }
  };

  const remove = async () => {
    try {
      await images.detachImage({ recipeId: recipe.id, slot: ImageSlot.COVER });
      await queryClient.invalidateQueries();
      setState({ step: 'idle' });
    } catch (error) {
      setState({ step: 'failed', message: messageOf(error), file: null });
    }
  };

  const busy = state.step === 'uploading' || state.step === 'checking';
  return (
    <section className="cover-upload" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Cover photo</h2>
      <div className="cover-upload__body">
        <div className="cover-upload__preview">
          {recipe.coverImage ? (
            <RecipeImage
              image={recipe.coverImage}
              alt={`Current cover photo of ${recipe.title}`}
              sizes="16rem"
              className="cover-upload__image"
            />
          ) : (
            <p className="muted">No photo yet. Recipes with a photo get more cooks.</p>
          )}
        </div>
        <div className="cover-upload__controls">
          <div className="field">
            <label htmlFor={`${id}-file`}>
              {recipe.coverImage ? 'Replace the photo' : 'Choose a photo'}
              <span className="hint" id={`${id}-hint`}>
                JPEG, PNG, WebP, AVIF or HEIC, landscape works best. Location data is removed.
              </span>
            </label>
            <input
              ref={input}
              id={`${id}-file`}
              type="file"
              accept={accepted.join(',')}
              disabled={busy}
              aria-describedby={`${id}-hint ${id}-status`}
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) void upload(file);
              }}
            />
          </div>
          <div id={`${id}-status`} role="status" className="cover-upload__status">
            {state.step === 'uploading' ? (
              <>
                <label htmlFor={`${id}-progress`}>
                  Uploading… {Math.round((state.loaded / Math.max(1, state.total)) * 100)}%
                </label>
                <progress id={`${id}-progress`} max={state.total} value={state.loaded} />
              </>
            ) : state.step === 'checking' ? (
              'Checking the photo…'
            ) : state.step === 'done' ? (
              'Photo saved.'
            ) : null}
          </div>
          {state.step === 'failed' ? (
            <div className="field-error" role="alert">
              <p>{state.message}</p>
              {state.file ? (
                <button type="button" className="button button--small" onClick={() => state.file && void upload(state.file)}>
                  Try again
                </button>
              ) : null}
            </div>
          ) : null}
          {recipe.coverImage && !busy ? (
            <button type="button" className="link-button" onClick={() => void remove()}>
              Remove the photo
            </button>
          ) : null}
        </div>
      </div>
    </section>
  );
}

const messageOf = (error: unknown) =>
  isConnectError(error) || !(error instanceof Error) ? describeError(error).message : error.message;

/** PUT with XMLHttpRequest, because fetch cannot report upload progress. */
function put(url: string, headers: Record<string, string>, file: File, onProgress: (loaded: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      let message = `The upload failed (HTTP ${xhr.status}).`;
      try {
        message = (JSON.parse(xhr.responseText) as { error?: string }).error ?? message;
      } catch {
        // not JSON (e.g. an S3 error document): keep the generic message
      }
      reject(new Error(message));
    };
    xhr.onerror = () => reject(new Error('The upload was interrupted. Check your connection and try again.'));
    xhr.send(file);
  });
}
