import { Link } from '@tanstack/react-router';
import { titleCase } from '../lib/format';
import { defineMessages, params, useMessages } from '../lib/i18n';
import { useLabels } from '../lib/labels';
import { compact, facetKeys, type SearchState } from '../lib/search';

const messages = defineMessages('noResults', {
  none: 'No recipes match.',
  noneFor: params('No recipes match “{q}”.'),
  change: 'Change something and try again:',
  remove: params('Remove the filter {facet}: {value}'),
  withoutFilters: params('Search “{q}” without any filter'),
  withoutWords: 'Keep the filters, without the words',
  spelling: 'Check the spelling, or use fewer, more general words (“chicken” rather than “chicken thighs”).',
  browse: 'Browse all recipes',
});

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
  const t = useMessages(messages);
  const labels = useLabels();
  // a value from the URL as the filter column names it; tags and unknown cuisines as words
  const labelOf = (facet: string, value: string) => labels.facetValue(facet, value, titleCase(value));
  return (
    <div className="empty-state no-results">
      <h3>{state.q ? t.noneFor({ q: state.q }) : t.none}</h3>
      <p>{t.change}</p>
      <ul className="no-results__tips">
        {filters.map(({ facet, key, value }) => (
          <li key={`${key}-${value}`}>
            <Link
              to="/search"
              search={compact({ ...state, [key]: (state[key] ?? []).filter((v) => v !== value), page: undefined })}
              rel="nofollow"
            >
              {t.remove({ facet: labels.facetTitle[facet], value: labelOf(facet, value) })}
            </Link>
          </li>
        ))}
        {state.q && filters.length > 1 ? (
          <li>
            <Link to="/search" search={compact({ q: state.q, sort: state.sort })} rel="nofollow">
              {t.withoutFilters({ q: state.q })}
            </Link>
          </li>
        ) : null}
        {state.q && filters.length > 0 ? (
          <li>
            <Link to="/search" search={withoutWords} rel="nofollow">
              {t.withoutWords}
            </Link>
          </li>
        ) : null}
        {state.q ? <li>{t.spelling}</li> : null}
      </ul>
      <p className="notice__actions">
        <Link to="/search" className="button button--quiet">
          {t.browse}
        </Link>
      </p>
    </div>
  );
}
