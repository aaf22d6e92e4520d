import { RecipeStatus } from '@yeet/contract';

export const statusLabels: Record<RecipeStatus, string> = {
  [RecipeStatus.UNSPECIFIED]: '',
  [RecipeStatus.DRAFT]: 'Draft',
  [RecipeStatus.IN_REVIEW]: 'In review',
  [RecipeStatus.PUBLISHED]: 'Published',
  [RecipeStatus.ARCHIVED]: 'Archived',
};

/** The badge's modifier class: badge--draft, badge--in_review, … */
export const statusClass = (status: RecipeStatus) => `badge badge--${RecipeStatus[status].toLowerCase()}`;

export function StatusBadge({ status }: { status: RecipeStatus }) {
  return <span className={statusClass(status)}>{statusLabels[status]}</span>;
}
