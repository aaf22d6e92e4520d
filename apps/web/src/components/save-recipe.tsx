import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { recipeStatusValues, type Recipe, type User } from '@yeet/contract';
import { canSave, maxCollectionNameLength } from '@yeet/domain/collection';
import { useId, useState } from 'react';
import { collectionsClient, collectionsKey, myCollections, savedRecipes } from '../lib/collections';
import { describeError } from '../lib/errors';
import { useTransport } from '../lib/transport';
import { defineMessages, params, useMessages } from '../lib/i18n';

const messages = defineMessages('saveRecipe', {
  savedFavourite: 'Saved to Favourites.',
  unsavedFavourite: 'Taken out of Favourites.',
  added: params('Added to {name}.'),
  removed: params('Taken out of {name}.'),
  addedNew: params('Added to the new collection {name}.'),
  save: 'Save this recipe',
  favourite: 'Save to Favourites',
  addTo: 'Add to a collection',
  yours: 'Your collections',
  newCollection: 'New collection',
  placeholder: 'e.g. Weeknight',
  create: 'Create and add',
  nameError: params('Name: {error}'),
});

type Change =
  | { kind: 'favourite'; saved: boolean }
  | { kind: 'collection'; id: string; name: string; saved: boolean }
  | { kind: 'new'; name: string };

/**
 * Save to Favourites with one tap, or to any of one's collections, for signed-in people who
 * may save this recipe (published, or their own). Visitors' pages — the ones the page cache
 * keeps (docs/decisions/0007) — render nothing here. On the page shared by every signed-in
 * reader (`me` undefined until the browser knows who) a published recipe's controls hold
 * their place, disabled.
 */
export function SaveRecipe({ recipe, me }: { recipe: Recipe; me: User | null | undefined }) {
  const transport = useTransport();
  const queryClient = useQueryClient();
  const id = useId();
  const [name, setName] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const status = recipeStatusValues.toDomain(recipe.status);
  const pending = me === undefined;
  const allowed = pending
    ? status === 'published'
    : Boolean(me && status && canSave({ status, author: { id: recipe.author?.id ?? '', displayName: '' } }, me.id));
  const saved = useQuery({ ...savedRecipes(transport), enabled: allowed && !pending }).data;
  const collections = useQuery({ ...myCollections(transport), enabled: allowed && !pending }).data;
  const t = useMessages(messages);
  const change = useMutation({
    mutationFn: async (c: Change): Promise<string> => {
      const client = collectionsClient(transport);
      switch (c.kind) {
        case 'favourite':
          await client.saveRecipe({ recipeId: recipe.id, saved: c.saved });
          return c.saved ? t.savedFavourite : t.unsavedFavourite;
        case 'collection':
          if (c.saved) await client.addRecipeToCollection({ collectionId: c.id, recipeId: recipe.id });
          else await client.removeRecipeFromCollection({ collectionId: c.id, recipeId: recipe.id });
          return c.saved ? t.added({ name: c.name }) : t.removed({ name: c.name });
        case 'new': {
          const { collection } = await client.createCollection({ name: c.name });
          await client.addRecipeToCollection({ collectionId: collection!.id, recipeId: recipe.id });
          return t.addedNew({ name: collection!.name });
        }
      }
    },
    onSuccess: async (message, c) => {
      setDone(message);
      if (c.kind === 'new') setName('');
      await queryClient.invalidateQueries({ queryKey: collectionsKey });
    },
  });
  if (!allowed) return null;
  const mine = saved?.find((s) => s.recipeId === recipe.id);
  const inCollections = new Set(mine?.collectionIds ?? []);
  const favourite = Boolean(mine?.favourite);
  const named = (collections ?? []).filter((c) => !c.favourites);
  const error = change.error ? describeError(change.error) : null;
  const apply = (c: Change) => {
    setDone(null);
    change.mutate(c);
  };
  return (
    <section className="save-recipe" aria-label={t.save}>
      <button
        type="button"
        className={
          favourite ? 'button button--small save-recipe__favourite' : 'button button--small button--quiet save-recipe__favourite'
        }
        aria-pressed={favourite}
        disabled={change.isPending || saved === undefined}
        onClick={() => apply({ kind: 'favourite', saved: !favourite })}
      >
        <span aria-hidden="true">{favourite ? '♥' : '♡'}</span> {t.favourite}
      </button>
      <details className="save-recipe__more">
        <summary>{t.addTo}</summary>
        {named.length ? (
          <fieldset className="save-recipe__collections">
            <legend>{t.yours}</legend>
            {named.map((c) => (
              <label key={c.id} className="save-recipe__choice">
                <input
                  type="checkbox"
                  checked={inCollections.has(c.id)}
                  disabled={change.isPending}
                  onChange={(e) => apply({ kind: 'collection', id: c.id, name: c.name, saved: e.target.checked })}
                />{' '}
                {c.name}
              </label>
            ))}
          </fieldset>
        ) : null}
        <form
          className="save-recipe__new"
          onSubmit={(e) => {
            e.preventDefault();
            apply({ kind: 'new', name });
          }}
        >
          <label htmlFor={`${id}-name`}>{t.newCollection}</label>
          <input
            id={`${id}-name`}
            value={name}
            maxLength={maxCollectionNameLength}
            onChange={(e) => setName(e.target.value)}
            placeholder={t.placeholder}
            aria-invalid={Boolean(error?.fields.name)}
            aria-describedby={error?.fields.name ? `${id}-error` : undefined}
          />
          <button type="submit" className="button button--small" disabled={change.isPending}>
            {t.create}
          </button>
        </form>
        <p className="save-recipe__manage">
          <Link to="/me/collections">{t.yours}</Link>
        </p>
      </details>
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error.fields.name ? t.nameError({ error: error.fields.name }) : error.message}
        </p>
      ) : null}
      {done ? (
        <p className="notice save-recipe__done" role="status">
          {done}
        </p>
      ) : null}
    </section>
  );
}
