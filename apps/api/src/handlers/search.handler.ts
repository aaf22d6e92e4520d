import type { ServiceImpl } from '@connectrpc/connect';
import {
  dietaryFlagValues,
  difficultyValues,
  mealTypeValues,
  searchSortValues,
  timeBucketValues,
  type SearchRecipesRequest,
  type SearchService,
} from '@yeet/contract';
import { invalidField, kebab, type SearchFilter } from '@yeet/domain';
import type { SearchController, SearchRequest } from '../controllers/search.controller.ts';
import { callerOf } from '../rpc/context.ts';
import { filterEnums, optionalEnum } from './enums.ts';
import type { RecipeToProto } from './recipe.convert.ts';

const defaultPageSize = 20;
const maxPageSize = 50;
const defaultSuggestions = 6;

/** SearchService: proto ⇄ domain around the search controller. */
export function searchHandlers(search: SearchController, recipeToProto: RecipeToProto): ServiceImpl<typeof SearchService> {
  return {
    async searchRecipes(req, ctx) {
      const result = await search.search(callerOf(ctx), searchRequestToDomain(req));
      return {
        hits: result.hits.map((h) => ({
          recipe: recipeToProto(h.recipe),
          title: { fragments: h.title },
          summary: { fragments: h.summary },
        })),
        totalSize: result.total,
        nextPageToken: result.nextPageToken,
        facets: result.facets,
        correctedQuery: result.correctedQuery,
        interpretedFilters: result.interpreted,
      };
    },

    async suggestRecipes(req, ctx) {
      const found = await search.suggest(callerOf(ctx), req.prefix, req.limit || defaultSuggestions);
      return {
        recipes: found.recipes.map((r) => ({ slug: r.slug, title: r.title, highlightedTitle: { fragments: r.highlighted } })),
        tags: found.tags,
      };
    },
  };
}

export function searchRequestToDomain(req: SearchRecipesRequest): SearchRequest {
  const pageSize = req.pageSize || defaultPageSize;
  if (pageSize < 1 || pageSize > maxPageSize) throw invalidField('pageSize', `must be between 1 and ${maxPageSize}`);
  if (req.page < 0) throw invalidField('page', 'pages are numbered from 1');
  if (req.page && req.pageToken) throw invalidField('page', 'give a page number or a page token, not both');
  return {
    query: req.query,
    filter: searchFilterToDomain(req.filter),
    sort: optionalEnum(req.sort, searchSortValues, 'sort'),
    pageSize,
    pageToken: req.pageToken,
    page: req.page,
    facets: !req.skipFacets,
  };
}

function searchFilterToDomain(f: SearchRecipesRequest['filter']): SearchFilter {
  const labels = (values: string[] | undefined) => [...new Set((values ?? []).map(kebab).filter(Boolean))];
  const max = f?.maxTotalMinutes ?? 0;
  if (max < 0) throw invalidField('filter.maxTotalMinutes', 'cannot be negative; use 0 for no limit');
  return {
    cuisines: labels(f?.cuisines),
    mealTypes: filterEnums(f?.mealTypes ?? [], mealTypeValues, 'filter.mealTypes'),
    difficulties: filterEnums(f?.difficulties ?? [], difficultyValues, 'filter.difficulties'),
    timeBuckets: filterEnums(f?.timeBuckets ?? [], timeBucketValues, 'filter.timeBuckets'),
    maxTotalMinutes: max || null,
    tags: labels(f?.tags),
    dietaryFlags: filterEnums(f?.dietaryFlags ?? [], dietaryFlagValues, 'filter.dietaryFlags'),
  };
}
