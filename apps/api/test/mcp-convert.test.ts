import { describe, expect, it } from 'vitest';
import { argumentPath, recipeKey } from '../src/mcp/convert.ts';

describe('recipe references a model may pass', () => {
  it.each([
    ['cacio-e-pepe', { case: 'slug', value: 'cacio-e-pepe' }],
    [' Cacio-E-Pepe ', { case: 'slug', value: 'cacio-e-pepe' }],
    ['https://yeet.example/r/cacio-e-pepe', { case: 'slug', value: 'cacio-e-pepe' }],
    ['https://yeet.example/r/cacio-e-pepe?servings=6#steps', { case: 'slug', value: 'cacio-e-pepe' }],
    ['https://yeet.example/r/cacio-e-pepe/edit', { case: 'slug', value: 'cacio-e-pepe' }],
    ['http://localhost:3000/r/cacio-e-pepe/history/', { case: 'slug', value: 'cacio-e-pepe' }],
    ['0190f5e4-6a1b-7c3d-8e9f-0a1b2c3d4e5f', { case: 'id', value: '0190f5e4-6a1b-7c3d-8e9f-0a1b2c3d4e5f' }],
  ])('%s', (ref, key) => expect(recipeKey(ref)).toEqual(key));
});

describe('API fields named as the tool arguments', () => {
  it.each([
    ['recipe.ingredientSections[0].ingredients[1].item', 'ingredient_sections[0].ingredients[1].item'],
    ['recipe.steps[2].text', 'steps[2]'],
    ['recipe.totalMinutes', 'total_minutes'],
    ['filter.maxTotalMinutes', 'max_total_minutes'],
    ['pageSize', 'limit'],
    ['recipeId', 'recipe'],
    ['expectedVersion', 'expected_version'],
    ['stars', 'stars'],
  ])('%s → %s', (field, argument) => expect(argumentPath(field)).toBe(argument));
});
