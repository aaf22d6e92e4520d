import { timestampDate } from '@bufbuild/protobuf/wkt';
import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { RecipeStatus, type Rating, type Recipe, type User } from '@yeet/contract';
import { useId, useState } from 'react';
import { recipeRatings } from '../lib/api';
import { describeError } from '../lib/errors';
import { useTransport } from '../lib/transport';
import { Stars } from './rating';
import { useFormats } from '../lib/format';
import { count, defineMessages, params, useMessages } from '../lib/i18n';
import { useIdempotencyKeys } from '../lib/idempotency';
import { recipeClient } from '../lib/rpc';

const messages = defineMessages('reviews', {
  title: 'Ratings and reviews',
  beFirst: 'Be the first to rate it.',
  signIn: 'Sign in to rate this recipe',
  yours: 'You wrote this recipe, so you cannot rate it.',
  outOf5: params('{stars} out of 5 stars'),
  yourRating: 'Your rating',
  rate: 'Rate this recipe',
  stars: count({ one: '{count} star', other: '{count} stars' }),
  word1: 'Yeet it',
  word2: 'Not for me',
  word3: 'Good',
  word4: 'Very good',
  word5: 'Eat it — excellent',
  review: 'Review',
  reviewHint: 'Optional: what worked, what you changed.',
  saving: 'Saving…',
  update: 'Update rating',
  save: 'Save rating',
  saved: 'Thanks — your rating is saved.',
});

const starWord = (t: ReturnType<typeof useMessages<(typeof messages)['base']>>, n: number) =>
  n >= 1 && n <= 5 ? t[`word${n as 1 | 2 | 3 | 4 | 5}`] : '';

/** Rating summary, the person's own rating, and what others wrote. */
export function Reviews({ recipe, me, returnTo }: { recipe: Recipe; me: User | null | undefined; returnTo: string }) {
  const transport = useTransport();
  const { ratings, summary, myRating } = useSuspenseQuery(recipeRatings(transport, recipe.id)).data;
  const average = summary?.average ?? 0;
  const count = summary?.count ?? 0;
  const others = ratings.filter((r) => r.review && r.user?.id !== me?.id);
  const isAuthor = Boolean(me && recipe.author?.id === me.id);
  const t = useMessages(messages);
  const open = recipe.status === RecipeStatus.PUBLISHED;
  return (
    <section className="reviews" aria-labelledby="reviews-title">
      <h2 id="reviews-title">{t.title}</h2>
      <p className="reviews__summary" data-testid="rating-summary">
        <Stars average={average} count={count} />
        {/* the invitation and the controls below are for the screen: a printed recipe has neither */}
        {count === 0 && open && !isAuthor ? <span className="muted rate-only">{t.beFirst}</span> : null}
      </p>

      {!open ? null : me === null ? (
        <p className="rate-only">
          <a href={`/auth/login?returnTo=${encodeURIComponent(returnTo)}`}>{t.signIn}</a>.
        </p>
      ) : isAuthor ? (
        <p className="muted rate-only">{t.yours}</p>
      ) : (
        // undefined: a signed-in person not known yet (a page shared by every reader): the form
        // holds its place, disabled, and starts afresh with their rating once it is known
        <RatingForm key={me ? 'known' : 'pending'} recipeId={recipe.id} mine={myRating} disabled={!me} />
      )}

      {others.length ? (
        <ul className="reviews__list">
          {others.map((r) => (
            <Review key={r.user?.id} rating={r} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function Review({ rating }: { rating: Rating }) {
  const when = rating.updateTime ? timestampDate(rating.updateTime) : null;
  const t = useMessages(messages);
  const { day } = useFormats();
  return (
    <li className="review">
      <p className="review__head">
        <strong>{rating.user?.displayName}</strong>{' '}
        <Stars average={rating.stars} count={0} size="sm" label={t.outOf5({ stars: rating.stars })} />
        {when ? (
          <time className="muted" dateTime={when.toISOString()}>
            {day(when)}
          </time>
        ) : null}
      </p>
      <p className="review__text">{rating.review}</p>
    </li>
  );
}

/** Five radio buttons styled as stars (keyboard: arrows), a review, and save. */
function RatingForm({ recipeId, mine, disabled }: { recipeId: string; mine: Rating | undefined; disabled: boolean }) {
  const transport = useTransport();
  const queryClient = useQueryClient();
  const id = useId();
  const [stars, setStars] = useState(mine?.stars ?? 0);
  const [review, setReview] = useState(mine?.review ?? '');
  const [saved, setSaved] = useState(false);
  const keys = useIdempotencyKeys();
  const save = useMutation({
    mutationFn: () => {
      const request = { recipeId, stars, review: review.trim() };
      return recipeClient(transport).rateRecipe(request, keys.options('rate', request));
    },
    onSuccess: async () => {
      keys.done();
      setSaved(true);
      await queryClient.invalidateQueries();
    },
  });
  const error = save.error ? describeError(save.error) : null;
  const starsError = error?.fields.stars;
  const t = useMessages(messages);
  return (
    <form
      className="rate"
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        save.mutate();
      }}
      noValidate
    >
      <fieldset className="rate__stars" aria-describedby={starsError ? `${id}-stars-error` : undefined}>
        <legend>{mine ? t.yourRating : t.rate}</legend>
        <div className="rate__options">
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} className={`rate__star${n <= stars ? ' rate__star--on' : ''}`}>
              <input
                type="radio"
                name="stars"
                value={n}
                checked={stars === n}
                onChange={() => setStars(n)}
                className="visually-hidden"
              />
              <span aria-hidden="true">★</span>
              <span className="visually-hidden">
                {t.stars(n)}: {starWord(t, n)}
              </span>
            </label>
          ))}
          <span className="rate__word" aria-hidden="true">
            {starWord(t, stars)}
          </span>
        </div>
        {starsError ? (
          <p className="field-error" id={`${id}-stars-error`}>
            {starsError}
          </p>
        ) : null}
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-review`}>
          {t.review} <span className="hint">{t.reviewHint}</span>
        </label>
        <textarea
          id={`${id}-review`}
          rows={3}
          maxLength={2000}
          value={review}
          onChange={(e) => setReview(e.target.value)}
          aria-invalid={Boolean(error?.fields.review)}
          aria-describedby={error?.fields.review ? `${id}-review-error` : undefined}
        />
        {error?.fields.review ? (
          <p className="field-error" id={`${id}-review-error`}>
            {error.fields.review}
          </p>
        ) : null}
      </div>
      {error && !error.fields.stars && !error.fields.review ? (
        <p className="field-error" role="alert">
          {error.message}
        </p>
      ) : null}
      <button type="submit" className="button button--small" disabled={disabled || save.isPending}>
        {save.isPending ? t.saving : mine ? t.update : t.save}
      </button>
      <span role="status" className="rate__saved">
        {saved && !save.isPending ? t.saved : ''}
      </span>
    </form>
  );
}
