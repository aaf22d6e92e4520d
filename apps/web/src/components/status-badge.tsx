import { recipeStatusValues } from '@yeet/contract';
import { recipeStatusLabels } from '@yeet/domain/values';

/** A recipe's state as a badge; its modifier class is the state's name (badge--draft, badge--in_review, …). */
export function StatusBadge({ status }: { status: number }) {
  const name = recipeStatusValues.toDomain(status);
  return name ? <span className={`badge badge--${name}`}>{recipeStatusLabels[name]}</span> : null;
}
