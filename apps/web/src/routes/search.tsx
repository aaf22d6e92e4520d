import { useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link, useNavigate } from '@tanstack/react-router';
import { searchSorts, type SearchSort } from '@yeet/domain/values';
import { useRef } from 'react';
import { RecipeCover } from '../components/cover';
import { Highlighted } from '../components/highlighted';
import { NoResults } from '../components/no-results';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { Stars } from '../components/rating';
import { SearchBox } from '../components/search-box';
import { useSavedSlugs } from '../lib/collections';
import { formatMinutes, useFormats } from '../lib/format';
import { count, defineMessages, messagesIn, params, useLocale, useMessages } from '../lib/i18n';
import { useLabels } from '../lib/labels';
import {
  compact,
  facetKeys,
  hasFilters,
  pageSize,
  searchQuery,
  toggled,
  validateSearchState,
  type FacetValue,
  type SearchResult,
  type SearchState,
} from '../lib/search';
import { onLoadError } from '../lib/status';

const messages = defineMessages('search', {
  titleFor: params('“{q}” — recipes — Eat or Yeet'),
  title: 'All recipes — Eat or Yeet',
  description: 'Search recipes by name, ingredient, cuisine, meal, time and diet.',
  headingFor: params('Recipes for “{q}”'),
  heading: 'All recipes',
  filters: 'Filters',
  selected: params('Filters ({n} selected)'),
  clear: 'Clear all filters',
  recipes: count({ one: '{count} recipe', other: '{count} recipes' }),
  sortBy: 'Sort by',
  sort: 'Sort',
  showing: 'Showing results for',
  youSearched: params(' — you searched for “{q}”'),
  readFromSearch: 'Filters read from your search',
  removeFilter: ' (remove this filter)',
  pages: 'Pages',
  previous: '← Previous',
  next: 'Next →',
  pageOf: params('Page {page} of {pages}'),
  selectedValue: ' (selected; remove this filter)',
  more: params('{n} more'),
  moreFilters: params(' {facet} filters'),
  saved: 'Saved',
});

export const Route = createFileRoute('/search')({
  validateSearch: validateSearchState,
  loaderDeps: ({ search }) => search,
  loader: async ({ context: { queryClient, transport }, deps }) => {
    await queryClient.ensureQueryData(searchQuery(transport, deps));
  },
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: ({ match }) => {
    const t = messagesIn(messages, match.context.locale);
    return {
      meta: [
        { title: match.search.q ? t.titleFor({ q: match.search.q }) : t.title },
        { name: 'description', content: t.description },
      ],
    };
  },
  component: SearchPage,
});

/** Filters as hidden form fields, so a new query keeps them. */
function filterFields(state: SearchState): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const key of Object.values(facetKeys)) {
    const values = state[key] ?? [];
    if (values.length) fields[key] = values;
  }
  return fields;
}

function SearchPage() {
  const state = Route.useSearch();
  const { transport } = Route.useRouteContext();
  const navigate = useNavigate({ from: '/search' });
  const result = useSuspenseQuery(searchQuery(transport, state)).data;
  const saved = useSavedSlugs();
  const resultsHeading = useRef<HTMLHeadingElement>(null);
  const page = state.page ?? 1;
  const pages = Math.max(1, Math.ceil(result.totalSize / pageSize));
  const filtered = hasFilters(state);
  const selectedCount = Object.values(facetKeys).reduce((n, k) => n + (state[k]?.length ?? 0), 0);
  const t = useMessages(messages);
  const { searchSort } = useLabels();
  const { number } = useFormats();

  return (
    <div className="search-page">
      <header className="search-page__header">
        <h1>{state.q ? t.headingFor({ q: state.q }) : t.heading}</h1>
        <SearchBox
          initial={state.q ?? ''}
          hidden={filterFields(state)}
          // results follow the typing, without reloading the page or moving focus
          onType={(q) => void navigate({ search: compact({ ...state, q: q || undefined, page: undefined }), replace: true })}
        />
      </header>

      <div className="search-page__body">
        <nav aria-label={t.filters}>
          {/* Folded as rendered, so results come first on a phone, with or without JavaScript;
              wide screens show it unfolded beside the results by CSS alone (app.css), so
              nothing moves when the page hydrates. */}
          <details className="filters">
            <summary className="filters__toggle">{selectedCount ? t.selected({ n: selectedCount }) : t.filters}</summary>
            <div className="facets">
              <h2 className="visually-hidden">{t.filters}</h2>
              {filtered ? (
                <p>
                  <Link to="/search" search={compact({ q: state.q, sort: state.sort })} className="facets__clear">
                    {t.clear}
                  </Link>
                </p>
              ) : null}
              {result.facets.map((facet) => (
                <FacetGroup key={facet.name} facet={facet} state={state} />
              ))}
            </div>
          </details>
        </nav>

        <section className="results" aria-labelledby="results-title">
          <div className="results__bar">
            <h2 id="results-title" ref={resultsHeading} className="results__count" aria-live="polite">
              {t.recipes(result.totalSize).replace(String(result.totalSize), number(result.totalSize))}
            </h2>
            <form method="get" action="/search" className="results__sort">
              {Object.entries({ ...filterFields(state), ...(state.q ? { q: [state.q] } : {}) }).flatMap(([name, values]) =>
                values.map((v) => <input key={`${name}-${v}`} type="hidden" name={name} value={v} />),
              )}
              <label htmlFor="sort">{t.sortBy}</label>
              <select
                id="sort"
                name="sort"
                value={state.sort ?? (state.q ? 'relevance' : 'newest')}
                onChange={(e) =>
                  void navigate({ search: compact({ ...state, sort: e.target.value as SearchSort, page: undefined }) })
                }
              >
                {searchSorts.map((s) => (
                  <option key={s} value={s}>
                    {searchSort[s]}
                  </option>
                ))}
              </select>
              <noscript>
                <button type="submit" className="button button--small">
                  {t.sort}
                </button>
              </noscript>
            </form>
          </div>

          {result.correctedQuery ? (
            <p className="notice" role="status">
              {t.showing} <strong>{result.correctedQuery}</strong>
              {state.q ? t.youSearched({ q: state.q }) : null}.
            </p>
          ) : null}

          {result.interpretedFilters.length ? (
            <div className="applied">
              <h3 id="applied-title" className="visually-hidden">
                {t.readFromSearch}
              </h3>
              <ul className="chips" aria-labelledby="applied-title">
                {result.interpretedFilters.map((f) => (
                  <li key={`${f.facet}:${f.value}`}>
                    {/* removing the chip searches the words without the ones it was read from */}
                    <Link
                      to="/search"
                      search={compact({ ...state, q: f.queryWithout || undefined, page: undefined })}
                      className="chip chip--link"
                      rel="nofollow"
                    >
                      {f.label}
                      <span aria-hidden="true">×</span>
                      <span className="visually-hidden">{t.removeFilter}</span>
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}

          {result.hits.length === 0 ? (
            <NoResults state={state} />
          ) : (
            <ul className="hits" aria-labelledby="results-title">
              {result.hits.map((hit) => (
                <Hit key={hit.recipe.slug} hit={hit} saved={saved.has(hit.recipe.slug)} />
              ))}
            </ul>
          )}

          {pages > 1 ? (
            <nav className="pager" aria-label={t.pages}>
              {page > 1 ? (
                <Link to="/search" search={compact({ ...state, page: page - 1 > 1 ? page - 1 : undefined })} rel="prev">
                  {t.previous}
                </Link>
              ) : (
                <span aria-hidden="true" />
              )}
              <span>{t.pageOf({ page, pages })}</span>
              {page < pages && page < 50 ? (
                <Link to="/search" search={compact({ ...state, page: page + 1 })} rel="next">
                  {t.next}
                </Link>
              ) : (
                <span aria-hidden="true" />
              )}
            </nav>
          ) : null}
        </section>
      </div>
    </div>
  );
}

/** How many values a facet shows before "more": the most common, and any selected. */
const shownValues = 6;

function FacetGroup({ facet, state }: { facet: SearchResult['facets'][number]; state: SearchState }) {
  const t = useMessages(messages);
  const { facetTitle, facetValue } = useLabels();
  const locale = useLocale();
  const name = facet.name as keyof typeof facetKeys;
  const key = facetKeys[name];
  if (!key) return null;
  const values = facet.values.filter((v) => v.count > 0 || v.selected);
  if (values.length === 0) return null;
  const titleId = `facet-${facet.name}`;
  const first = values.filter((v, i) => i < shownValues || v.selected);
  const rest = values.filter((v, i) => i >= shownValues && !v.selected);
  const item = (v: FacetValue) => (
    <li key={v.value}>
      <Link
        to="/search"
        search={toggled(state, key, v.value)}
        className={`facet__value${v.selected ? ' facet__value--on' : ''}`}
        rel="nofollow"
      >
        <span className="facet__box" aria-hidden="true">
          {v.selected ? '✓' : ''}
        </span>
        <span className="facet__label">
          {facetValue(facet.name, v.value, v.label)}
          {v.selected ? <span className="visually-hidden">{t.selectedValue}</span> : null}
        </span>
        <span className="facet__count">{v.count}</span>
      </Link>
    </li>
  );
  return (
    <section className="facet">
      <h3 id={titleId}>{facetTitle[name]}</h3>
      <ul aria-labelledby={titleId}>{first.map(item)}</ul>
      {rest.length ? (
        <details className="facet__more">
          <summary>
            {t.more({ n: rest.length })}
            <span className="visually-hidden">
              {/* English lowercases the facet here ("12 more cuisine filters"), German keeps its nouns capitalised */}
              {t.moreFilters({ facet: locale === 'en' ? facetTitle[name].toLowerCase() : facetTitle[name] })}
            </span>
          </summary>
          <ul aria-labelledby={titleId}>{rest.map(item)}</ul>
        </details>
      ) : null}
    </section>
  );
}

/** `saved`: in one of the signed-in person's collections (never on a visitor's page). */
function Hit({ hit, saved }: { hit: SearchResult['hits'][number]; saved: boolean }) {
  const r = hit.recipe;
  const t = useMessages(messages);
  const { difficulty } = useLabels();
  return (
    <li>
      <article className="hit">
        <RecipeCover recipe={r} alt="" className="hit__image" />
        <div className="hit__body">
          <h3 className="hit__title">
            <Link to="/r/$slug" params={{ slug: r.slug }}>
              <Highlighted text={hit.title} fallback={r.title} />
            </Link>
          </h3>
          <p className="hit__summary">
            <Highlighted text={hit.summary} fallback={r.summary} />
          </p>
          <p className="hit__meta">
            <span>{formatMinutes(r.totalMinutes)}</span>
            <span>{difficulty(r.difficulty)}</span>
            <Stars average={r.rating.average} count={r.rating.count} size="sm" />
            {saved ? (
              <span className="card__saved">
                <span aria-hidden="true">♥</span> {t.saved}
              </span>
            ) : null}
          </p>
        </div>
      </article>
    </li>
  );
}
