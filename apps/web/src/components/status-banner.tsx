import { recipeStatusValues, type Recipe } from '@yeet/contract';
import type { RecipeStatus } from '@yeet/domain/values';

const explanations: Record<Exclude<RecipeStatus, 'published'>, string> = {
  draft: 'This recipe is a draft: only its author, editors and admins can see it.',
  in_review: 'This recipe is waiting for an editor’s review. It is not public yet.',
  archived: 'This recipe is archived: readers no longer see it; its author, editors and admins still can.',
};

/** Who can see a recipe that is not published, and why it is in that state. */
export function StatusBanner({ recipe }: { recipe: Recipe }) {
  const status = recipeStatusValues.toDomain(recipe.status);
  if (!status || status === 'published') return null;
  return (
    <div className="banner" role="note">
      <p>{explanations[status]}</p>
      {recipe.rejectionReason && status === 'draft' ? (
        <p>
          <strong>Editor’s note:</strong> {recipe.rejectionReason}
        </p>
      ) : null}
    </div>
  );
}
