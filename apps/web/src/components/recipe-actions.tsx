import { createIsomorphicFn } from '@tanstack/react-start';
import type { Recipe, User } from '@yeet/contract';
import { type ComponentType, lazy, Suspense } from 'react';
import { RecipeActionsPanel } from './recipe-actions-panel';

type Props = { recipe: Recipe; me: User | null | undefined };

/**
 * The panel's code (the lifecycle's buttons, the reason and delete forms) is for signed-in
 * people only: the browser fetches it when there is someone signed in, so a visitor's page
 * never loads it. The server renders it in place; while the browser fetches it, the
 * Suspense boundary keeps the server's markup (nothing moves).
 */
const Panel: ComponentType<Props> = createIsomorphicFn()
  .server(() => RecipeActionsPanel)
  .client(() => lazy(async () => ({ default: (await import('./recipe-actions-panel')).RecipeActionsPanel })))();

/** What the person looking at the recipe can do with it (recipe-actions-panel.tsx); nothing for visitors. */
export function RecipeActions({ recipe, me }: Props) {
  if (!me) return null;
  return (
    <Suspense fallback={null}>
      <Panel recipe={recipe} me={me} />
    </Suspense>
  );
}
