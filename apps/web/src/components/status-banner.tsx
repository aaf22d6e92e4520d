import { recipeStatusValues, type Recipe } from '@yeet/contract';
import { defineMessages, useMessages } from '../lib/i18n';

const messages = defineMessages('statusBanner', {
  draft: 'This recipe is a draft: only its author, editors and admins can see it.',
  in_review: 'This recipe is waiting for an editor’s review. It is not public yet.',
  archived: 'This recipe is archived: readers no longer see it; its author, editors and admins still can.',
  editorsNote: 'Editor’s note:',
});

/** Who can see a recipe that is not published, and why it is in that state. */
export function StatusBanner({ recipe }: { recipe: Recipe }) {
  const status = recipeStatusValues.toDomain(recipe.status);
  const t = useMessages(messages);
  if (!status || status === 'published') return null;
  return (
    <div className="banner" role="note">
      <p>{t[status]}</p>
      {recipe.rejectionReason && status === 'draft' ? (
        <p>
          <strong>{t.editorsNote}</strong> {recipe.rejectionReason}
        </p>
      ) : null}
    </div>
  );
}
