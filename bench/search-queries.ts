import type { EngineQuery } from '../apps/api/src/search/engine.ts';

/** A search filter that filters nothing; a bench query adds its own fields on top. */
export const noFilter: EngineQuery['filter'] = {
  cuisines: [],
  mealTypes: [],
  difficulties: [],
  timeBuckets: [],
  maxTotalMinutes: null,
  tags: [],
  dietaryFlags: [],
};
