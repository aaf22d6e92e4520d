import type { Transport } from '@connectrpc/connect';
import { queryOptions } from '@tanstack/react-query';
import { RecipeSort, RecipeStatus, type Image, type Recipe } from '@yeet/contract';
import { publicOrigin } from './api';
import { recipeClient } from './rpc';

/**
 * What a recipe card shows, and all a list of cards keeps. The API answers lists with whole
 * recipes (ingredients, steps, history fields); the query cache is serialized into the page
 * for hydration, so a list is cut down to its cards before it enters the cache: the home
 * page's HTML went from 245 KB to a fraction of that (test/web/page-weight.test.ts).
 */
export interface CardImage {
  /** "#rrggbb" to show while the image loads; absent until processed. */
  placeholder?: string;
  variants: Array<{ width: number; height: number; url: string }>;
}

export interface RecipeSummary {
  /** Unique and stable: also the key of a card. */
  slug: string;
  title: string;
  summary: string;
  totalMinutes: number;
  difficulty: Recipe['difficulty'];
  rating: { average: number; count: number };
  coverImage?: CardImage;
}

/**
 * The sizes a card offers: it is at most ~17rem wide on a wide screen and the screen's width
 * on a phone, so 480 px for ordinary screens and 960 px for dense ones (2×) cover both; five
 * signed URLs per card (each written twice, in the markup and in the cache) were a third of
 * the home page.
 */
const cardWidths = [480, 960];

export function cardImage(image: Image): CardImage {
  const largest = image.variants.at(-1);
  const chosen = new Set(cardWidths.map((w) => image.variants.find((v) => v.width >= w) ?? largest));
  // Images served from the site itself need no origin in every URL.
  const origin = `${publicOrigin()}/`;
  const local = (url: string) => (url.startsWith(origin) ? url.slice(origin.length - 1) : url);
  return {
    ...(image.placeholder ? { placeholder: image.placeholder } : {}),
    variants: image.variants.filter((v) => chosen.has(v)).map(({ width, height, url }) => ({ width, height, url: local(url) })),
  };
}

export const toSummary = (r: Recipe): RecipeSummary => ({
  slug: r.slug,
  title: r.title,
  summary: r.summary,
  totalMinutes: r.totalMinutes,
  difficulty: r.difficulty,
  rating: { average: r.rating?.average ?? 0, count: r.rating?.count ?? 0 },
  ...(r.coverImage ? { coverImage: cardImage(r.coverImage) } : {}),
});

export interface HomeShelves {
  newest: RecipeSummary[];
  topRated: RecipeSummary[];
  /** 30 minutes or less, quickest first. */
  quick: RecipeSummary[];
}

/**
 * The home page's shelves of published recipes, `size` cards each, in one query: a recipe on
 * two shelves is one object, which the page's serialized cache then writes once.
 */
export const homeShelves = (transport: Transport, size: number) =>
  queryOptions({
    queryKey: ['home-shelves', size],
    queryFn: async ({ signal }): Promise<HomeShelves> => {
      const client = recipeClient(transport);
      const list = async (sort: RecipeSort, maxTotalMinutes = 0) =>
        (
          await client.listRecipes(
            { sort, pageSize: size, filter: { status: RecipeStatus.PUBLISHED, maxTotalMinutes } },
            { signal },
          )
        ).recipes;
      const [newest, topRated, quick] = await Promise.all([
        list(RecipeSort.NEWEST),
        list(RecipeSort.TOP_RATED),
        list(RecipeSort.QUICKEST, 30),
      ]);
      const cards = new Map<string, RecipeSummary>();
      const card = (r: Recipe) => cards.get(r.slug) ?? cards.set(r.slug, toSummary(r)).get(r.slug)!;
      return { newest: newest.map(card), topRated: topRated.map(card), quick: quick.map(card) };
    },
  });
