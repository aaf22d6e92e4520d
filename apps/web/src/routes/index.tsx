import { useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { RecipeGrid } from '../components/recipe-card';
import { isUnavailable, publishedRecipes, RecipeSort } from '../lib/api';
import { setSsrStatus } from '../lib/status';

const shelfSize = 8;

export const Route = createFileRoute('/')({
  loader: async ({ context: { queryClient, transport } }) => {
    try {
      await Promise.all([
        queryClient.ensureQueryData(publishedRecipes(transport, RecipeSort.NEWEST, shelfSize)),
        queryClient.ensureQueryData(publishedRecipes(transport, RecipeSort.TOP_RATED, shelfSize)),
      ]);
    } catch (error) {
      setSsrStatus(isUnavailable(error) ? 503 : 500);
      throw error;
    }
  },
  component: Home,
});

function Home() {
  const { transport } = Route.useRouteContext();
  const newest = useSuspenseQuery(publishedRecipes(transport, RecipeSort.NEWEST, shelfSize)).data;
  const topRated = useSuspenseQuery(publishedRecipes(transport, RecipeSort.TOP_RATED, shelfSize)).data;
  return (
    <>
      <section className="hero" aria-labelledby="hero-title">
        <h1 id="hero-title">Cook it, rate it — eat it or yeet it.</h1>
        <p>Recipes from home cooks, checked by our editors before they reach you.</p>
      </section>
      <section className="shelf" aria-labelledby="newest-title">
        <h2 id="newest-title">Newest recipes</h2>
        <RecipeGrid recipes={newest.recipes} label="Newest recipes" />
      </section>
      <section className="shelf" aria-labelledby="top-title">
        <h2 id="top-title">Top rated</h2>
        <RecipeGrid recipes={topRated.recipes} label="Top rated recipes" />
      </section>
    </>
  );
}
