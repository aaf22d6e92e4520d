import { dietaryFlagValues, difficultyValues, mealTypeValues, type ValueMap } from '@yeet/contract';
import { dietaryFlagLabels, difficultyLabels, mealTypeLabels } from '@yeet/domain/values';

/** Reads an enum value the API sent by its domain label; '' for UNSPECIFIED or a value this build does not know. */
function labelled<D extends string>(map: ValueMap<D, number>, labels: Record<D, string>): (value: number) => string {
  return (value) => {
    const name = map.toDomain(value);
    return name === undefined ? '' : labels[name];
  };
}

export const difficultyLabel = labelled(difficultyValues, difficultyLabels);
export const mealTypeLabel = labelled(mealTypeValues, mealTypeLabels);
export const dietaryFlagLabel = labelled(dietaryFlagValues, dietaryFlagLabels);
