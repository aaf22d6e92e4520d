import { useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { RecipeGrid } from '../components/recipe-card';
import { SearchBox } from '../components/search-box';
import { homeShelves, type RecipeSummary } from '../lib/recipe-lists';
import { browseFacets, facetKeys, toggled, type SearchResult, type SearchState } from '../lib/search';
import { defineMessages, useMessages } from '../lib/i18n';
import { useLabels } from '../lib/labels';
import { loadAll, onLoadError } from '../lib/status';

const messages = defineMessages('home', {
  hero: 'Cook it, rate it — eat it or yeet it.',
  intro: 'Recipes from home cooks, checked by our editors before they reach you.',
  searchLabel: 'Search recipes',
  browse: 'Browse',
  byMeal: 'By meal',
  byCuisine: 'By cuisine',
  newest: 'Newest recipes',
  topRated: 'Top rated',
  quick: 'Quick: 30 minutes or less',
  seeAll: 'See all',
});

const shelfSize = 8;
/** The facets browsed from the home page. */
const browse = ['meal_types', 'cuisines'] as const;

export const Route = createFileRoute('/')({
  loader: ({ context: { queryClient, transport } }) =>
    loadAll(
      queryClient.ensureQueryData(homeShelves(transport, shelfSize)),
      queryClient.ensureQueryData(browseFacets(transport, browse)),
    ),
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  component: Home,
});

function Home() {
  const { transport } = Route.useRouteContext();
  const { newest, topRated, quick } = useSuspenseQuery(homeShelves(transport, shelfSize)).data;
  const facets = useSuspenseQuery(browseFacets(transport, browse)).data;
  const t = useMessages(messages);
  return (
    <>
      <section className="hero" aria-labelledby="hero-title">
        <h1 id="hero-title">{t.hero}</h1>
        <p>{t.intro}</p>
        <SearchBox label={t.searchLabel} />
      </section>

      <section className="browse" aria-labelledby="browse-title">
        <h2 id="browse-title" className="visually-hidden">
          {t.browse}
        </h2>
        <BrowseGroup title={t.byMeal} facet="meal_types" facets={facets} />
        <BrowseGroup title={t.byCuisine} facet="cuisines" facets={facets} />
      </section>

      <Shelf title={t.newest} id="newest" more={{ sort: 'newest' }} recipes={newest} />
      <Shelf title={t.topRated} id="top" more={{ sort: 'top_rated' }} recipes={topRated} />
      <Shelf title={t.quick} id="quick" more={{ time: ['up-to-15', '15-to-30'], sort: 'quickest' }} recipes={quick} />
    </>
  );
}

/** A facet's values that have recipes, each a link to them. */
function BrowseGroup({ title, facet, facets }: { title: string; facet: keyof typeof facetKeys; facets: SearchResult['facets'] }) {
  const values = facets.find((f) => f.name === facet)?.values.filter((v) => v.count > 0) ?? [];
  const { facetValue } = useLabels();
  return (
    <div className="browse__group">
      <h3>{title}</h3>
      <ul className="chips">
        {values.map((v) => (
          <li key={v.value}>
            <Link className="chip chip--link" to="/search" search={toggled({}, facetKeys[facet], v.value)}>
              {facetValue(facet, v.value, v.label)} <span className="chip__count">{v.count}</span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Shelf(props: { title: string; id: string; more: SearchState; recipes: RecipeSummary[] }) {
  const t = useMessages(messages);
  return (
    <section className="shelf" aria-labelledby={`${props.id}-title`}>
      <div className="shelf__head">
        <h2 id={`${props.id}-title`}>{props.title}</h2>
        <Link to="/search" search={props.more} className="shelf__more">
          {t.seeAll}
          <span className="visually-hidden"> {props.title.toLowerCase()}</span> →
        </Link>
      </div>
      <RecipeGrid recipes={props.recipes} label={props.title} />
    </section>
  );
}
