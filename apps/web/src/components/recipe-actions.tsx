import { createIsomorphicFn } from '@tanstack/react-start';
import type { Recipe, User } from '@yeet/contract';
import { type ComponentType, lazy, Suspense, useState } from 'react';
import { RecipeActionsPanel } from './recipe-actions-panel';

type Props = { recipe: Recipe; me: User | null | undefined };

/** The browser's copy of the panel's code, once fetched. */
let fetched: ComponentType<Props> | undefined;
const fetchPanel = () =>
  import('./recipe-actions-panel').then(({ RecipeActionsPanel }) => {
    fetched = RecipeActionsPanel;
    return RecipeActionsPanel;
  });
const LazyPanel = lazy(async () => ({ default: await fetchPanel() }));

/**
 * The panel's code (the lifecycle's buttons, the reason and delete forms) is for signed-in
 * people only: the browser fetches it when there is someone signed in, so a visitor's page
 * never loads it. The server renders it in place; while the browser fetches it, the
 * Suspense boundary keeps the server's markup (nothing moves). A page the browser renders
 * itself (opened from another page) has no markup to keep: its loader fetches the code first
 * (preloadRecipeActions), and the panel renders with the page. Were it to come a moment
 * later, it would push the page down under a finger about to tap it.
 */
const Panel: ComponentType<Props> = createIsomorphicFn()
  .server(() => RecipeActionsPanel)
  .client(() => (props: Props) => {
    // Chosen once: switching from the lazy one to the fetched one would mount the panel anew.
    const [Fetched] = useState(() => fetched);
    return Fetched ? <Fetched {...props} /> : <LazyPanel {...props} />;
  })();

/** Fetches the panel's code in the browser (nothing on the server, which has it). */
export const preloadRecipeActions = createIsomorphicFn()
  .server(async () => {})
  .client(async () => {
    // A failed fetch is the lazy panel's to report when it renders.
    await fetchPanel().catch(() => undefined);
  });

/** What the person looking at the recipe can do with it (recipe-actions-panel.tsx); nothing for visitors. */
export function RecipeActions({ recipe, me }: Props) {
  if (!me) return null;
  return (
    <Suspense fallback={null}>
      <Panel recipe={recipe} me={me} />
    </Suspense>
  );
}
