import { describe, expect, it } from 'vitest';
import { cuisineLabels, cuisines, facetLabel, highestRole, includesRole, kebab, roles } from '../src/index.ts';

describe('roles add up', () => {
  it('each role includes the ones before it, and no more', () => {
    for (const [i, held] of roles.entries()) {
      for (const [j, wanted] of roles.entries()) expect(includesRole([held], wanted), `${held} ⊇ ${wanted}`).toBe(j <= i);
    }
    expect(includesRole([], 'user')).toBe(false);
  });

  it('shows the highest role held, whatever the order', () => {
    expect(highestRole(['editor', 'user', 'author'])).toBe('editor');
    expect(highestRole([])).toBe('user');
  });
});

describe('facet labels', () => {
  it.each([
    ['time_buckets', 'up-to-15', '15 min or less'],
    ['dietary_flags', 'gluten-free', 'Gluten-free'],
    ['meal_types', 'breakfast', 'Breakfast'],
    ['difficulty', 'hard', 'Hard'],
    ['cuisines', 'middle-eastern', 'Middle Eastern'],
    ['tags', 'one-pot', 'One pot'],
  ] as const)('%s %s reads as %s', (facet, value, label) => expect(facetLabel(facet, value)).toBe(label));
});

describe('cuisines', () => {
  it('each reads the same in the form and in the filters, and is the kebab form of its label', () => {
    for (const c of cuisines) {
      expect(facetLabel('cuisines', c)).toBe(cuisineLabels[c]);
      expect(kebab(cuisineLabels[c])).toBe(c);
    }
  });
});
