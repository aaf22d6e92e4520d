import type { DescEnum } from '@bufbuild/protobuf';
import {
  dietaryFlagLabels,
  dietaryFlags,
  difficulties,
  difficultyLabels,
  imageSlotLabels,
  imageSlots,
  mealTypeLabels,
  mealTypes,
  recipeSortLabels,
  recipeSorts,
  recipeStatusLabels,
  recipeStatuses,
  roleLabels,
  roles,
  searchSortLabels,
  searchSorts,
  timeBucketLabels,
  timeBuckets,
} from '@yeet/domain/values';
import { describe, expect, it } from 'vitest';
import {
  DietaryFlagSchema,
  DifficultySchema,
  file_yeet_v1_common,
  file_yeet_v1_image,
  file_yeet_v1_recipe,
  file_yeet_v1_search,
  file_yeet_v1_user,
  ImageSlotSchema,
  MealTypeSchema,
  RecipeSortSchema,
  RecipeStatusSchema,
  RoleSchema,
  SearchSortSchema,
  TimeBucketSchema,
  dietaryFlagValues,
  difficultyValues,
  imageSlotValues,
  mealTypeValues,
  recipeSortValues,
  recipeStatusValues,
  roleValues,
  searchSortValues,
  timeBucketValues,
  type ValueMap,
} from '../src/index.ts';

interface ValueSet {
  schema: DescEnum;
  map: ValueMap<string, number>;
  domain: readonly string[];
  labels: Record<string, string>;
}

const valueSets: ValueSet[] = [
  { schema: DifficultySchema, map: difficultyValues, domain: difficulties, labels: difficultyLabels },
  { schema: MealTypeSchema, map: mealTypeValues, domain: mealTypes, labels: mealTypeLabels },
  { schema: DietaryFlagSchema, map: dietaryFlagValues, domain: dietaryFlags, labels: dietaryFlagLabels },
  { schema: TimeBucketSchema, map: timeBucketValues, domain: timeBuckets, labels: timeBucketLabels },
  { schema: RecipeStatusSchema, map: recipeStatusValues, domain: recipeStatuses, labels: recipeStatusLabels },
  { schema: RecipeSortSchema, map: recipeSortValues, domain: recipeSorts, labels: recipeSortLabels },
  { schema: SearchSortSchema, map: searchSortValues, domain: searchSorts, labels: searchSortLabels },
  { schema: RoleSchema, map: roleValues, domain: roles, labels: roleLabels },
  { schema: ImageSlotSchema, map: imageSlotValues, domain: imageSlots, labels: imageSlotLabels },
];

describe('the contract enums ⇄ the domain value sets', () => {
  it('covers every enum the contract declares', () => {
    const declared = [file_yeet_v1_common, file_yeet_v1_image, file_yeet_v1_recipe, file_yeet_v1_search, file_yeet_v1_user]
      .flatMap((file) => file.enums)
      .map((e) => e.typeName);
    expect(valueSets.map((s) => s.schema.typeName).sort()).toEqual(declared.sort());
  });

  describe.each(valueSets.map((s) => [s.schema.typeName, s] as const))('%s', (_name, { schema, map, domain, labels }) => {
    it('maps every enum value but UNSPECIFIED to a domain name and back', () => {
      for (const value of schema.values) {
        const name = map.toDomain(value.number);
        if (value.number === 0) expect(name, value.name).toBeUndefined();
        else expect(name && map.toProto(name), value.name).toBe(value.number);
      }
    });

    it('gives every domain value, in the domain order, an enum value of its own and a label', () => {
      expect(map.names).toEqual(domain);
      const numbers = domain.map((d) => map.toProto(d));
      expect(new Set(numbers).size).toBe(domain.length);
      for (const d of domain) {
        const n = map.toProto(d);
        expect(
          schema.values.some((v) => v.number === n && n !== 0),
          d,
        ).toBe(true);
        expect(labels[d], d).toMatch(/\S/);
      }
    });

    it('knows nothing of numbers the contract does not declare', () => {
      expect(map.toDomain(Math.max(...schema.values.map((v) => v.number)) + 1)).toBeUndefined();
    });
  });
});
