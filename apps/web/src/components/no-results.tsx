import { Link } from '@tanstack/react-router';
import {
  cuisineLabels,
  dietaryFlagLabels,
  difficultyLabels,
  isCuisine,
  mealTypeLabels,
  timeBucketLabels,
} from '@yeet/domain/values';
import { titleCase } from '../lib/format';
import { compact, facetKeys, facetTitles, type SearchState } from '../lib/search';

type FacetKey = (typeof facetKeys)[keyof typeof facetKeys];

/** A value from the URL as the filter column names it; tags and unknown cuisines as words. */
const labelOf: Record<FacetKey, (value: string) => string> = {
  cuisine: (v) => (isCuisine(v) ? cuisineLabels[v] : titleCase(v)),
  meal: (v) => mealTypeLabels[v as keyof typeof mealTypeLabels] ?? v,
  difficulty: (v) => difficultyLabels[v as keyof typeof difficultyLabels] ?? v,
  time: (v) => timeBucketLabels[v as keyof typeof timeBucketLabels] ?? v,
  tag: titleCase,
  diet: (v) => dietaryFlagLabels[v as keyof typeof dietaryFlagLabels] ?? v,
};

/**
 * A search that found nothing: what to change, concretely — each filter to drop (one link
 * each, keeping the rest), the words alone or the filters alone, the spelling — instead of an
 * empty page and a filter column with nothing in it (its counts come from the results).
 */
export function NoResults({ state }: { state: SearchState }) {
  const filters = Object.entries(facetKeys).flatMap(([facet, key]) =>
    (state[key] ?? []).map((value) => ({ facet: facet as keyof typeof facetKeys, key, value })),
  );
  const withoutWords = compact({ ...state, q: undefined, page: undefined });
  return (
    <div className="empty-state no-results">
      <h3>No recipes match{state.q ? <> “{state.q}”</> : null}.</h3>
      <p>Change something and try again:</p>
      <ul className="no-results__tips">
        {filters.map(({ facet, key, value }) => (
          <li key={`${key}-${value}`}>
            <Link
              to="/search"
              search={compact({ ...state, [key]: (state[key] ?? []).filter((v) => v !== value), page: undefined })}
              rel="nofollow"
            >
              Remove the filter {facetTitles[facet]}: {labelOf[key](value)}
            </Link>
          </li>
        ))}
        {state.q && filters.length > 1 ? (
          <li>
            <Link to="/search" search={compact({ q: state.q, sort: state.sort })} rel="nofollow">
              Search “{state.q}” without any filter
            </Link>
          </li>
        ) : null}
        {state.q && filters.length > 0 ? (
          <li>
            <Link to="/search" search={withoutWords} rel="nofollow">
              Keep the filters, without the words
            </Link>
          </li>
        ) : null}
        {state.q ? <li>Check the spelling, or use fewer, more general words (“chicken” rather than “chicken thighs”).</li> : null}
      </ul>
      <p className="notice__actions">
        <Link to="/search" className="button button--quiet">
          Browse all recipes
        </Link>
      </p>
    </div>
  );
}
