import { recipeStatusValues } from '@yeet/contract';
import { useLabels } from '../lib/labels';

/** A recipe's state as a badge; its modifier class is the state's name (badge--draft, badge--in_review, …). */
export function StatusBadge({ status }: { status: number }) {
  const name = recipeStatusValues.toDomain(status);
  const { recipeStatus } = useLabels();
  return name ? <span className={`badge badge--${name}`}>{recipeStatus[name]}</span> : null;
}
