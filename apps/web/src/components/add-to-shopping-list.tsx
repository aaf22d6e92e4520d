import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { Recipe, User } from '@yeet/contract';
import { maxServings, minServings } from '@yeet/domain/quantity';
import { useId, useState } from 'react';
import { describeError } from '../lib/errors';
import { useIdempotencyKeys } from '../lib/idempotency';
import { shoppingClient, shoppingListKey } from '../lib/shopping';
import { useTransport } from '../lib/transport';
import { count, defineMessages, params, useMessages } from '../lib/i18n';

const messages = defineMessages('addToShoppingList', {
  add: 'Add to shopping list',
  servingsToShop: 'Servings to shop for',
  servingsError: params('Servings: {error}'),
  added: params('Added for {n} — {lines} on your'),
  lines: count({ one: '{count} line', other: '{count} lines' }),
  list: 'shopping list',
});

/**
 * "Add to shopping list" at a number of servings, for signed-in people only: visitors' pages
 * (the ones the page cache keeps, docs/decisions/0007) render nothing here.
 */
export function AddToShoppingList({ recipe, servings, me }: { recipe: Recipe; servings: number; me: User | null | undefined }) {
  const transport = useTransport();
  const queryClient = useQueryClient();
  const keys = useIdempotencyKeys();
  const id = useId();
  const t = useMessages(messages);
  const [count, setCount] = useState<string>('');
  const add = useMutation({
    mutationFn: (n: number) =>
      shoppingClient(transport).addRecipeToShoppingList(
        { recipeId: recipe.id, servings: n },
        keys.options('add-recipe', { recipe: recipe.id, n }),
      ),
    onSuccess: () => {
      keys.done();
      return queryClient.invalidateQueries({ queryKey: shoppingListKey });
    },
  });
  // undefined: a signed-in person not known yet (a page shared by every reader): in its place already
  if (me === null) return null;
  const value = count || String(servings);
  const error = add.error ? describeError(add.error) : null;
  return (
    <form
      className="add-to-list"
      aria-label={t.add}
      // the API's message names the field and the range; the browser's bubble would only say "too large"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate(Number(value));
      }}
    >
      <div className="add-to-list__row">
        <label htmlFor={`${id}-servings`}>{t.servingsToShop}</label>
        <input
          id={`${id}-servings`}
          name="servings"
          type="number"
          inputMode="numeric"
          min={minServings}
          max={maxServings}
          value={value}
          onChange={(e) => setCount(e.target.value)}
          aria-invalid={Boolean(error?.fields.servings)}
          aria-describedby={error ? `${id}-error` : undefined}
        />
        <button type="submit" className="button" disabled={add.isPending}>
          {t.add}
        </button>
      </div>
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error.fields.servings ? t.servingsError({ error: error.fields.servings }) : error.message}
        </p>
      ) : null}
      {add.isSuccess ? (
        <p className="notice" role="status">
          {t.added({ n: add.variables, lines: t.lines(add.data.items.length) })} <Link to="/shopping-list">{t.list}</Link>.
        </p>
      ) : null}
    </form>
  );
}
