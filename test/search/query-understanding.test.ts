import { allowedTypos, interpretQuery, parseSearchText, typoDistance, withoutWords } from '@yeet/domain';
import { describe, expect, it } from 'vitest';

const read = (query: string, cuisines: string[] = ['italian', 'middle-eastern', 'thai']) => {
  const { words } = parseSearchText(query);
  const { filters, text } = interpretQuery(words, cuisines);
  return { filters: filters.map((f) => `${f.facet}:${f.value}`), text: text.map((i) => words[i]) };
};

describe('reading filters from the words of a query', () => {
  it.each([
    ['quick vegan', ['max_total_minutes:30', 'dietary_flags:vegan'], []],
    ['gluten free pasta', ['dietary_flags:gluten-free'], ['pasta']],
    ['Gluten-Free pasta', ['dietary_flags:gluten-free'], ['pasta']],
    ['glutenfree', ['dietary_flags:gluten-free'], []],
    ['desserts', ['meal_types:dessert'], []],
    ['easy thai curry', ['difficulty:easy', 'cuisines:thai'], ['curry']],
    ['middle eastern salad', ['cuisines:middle-eastern'], ['salad']],
    ['chicken under 30 minutes', ['max_total_minutes:30'], ['chicken']],
    ['dinner in 1 hour', ['meal_types:dinner', 'max_total_minutes:60'], []],
    ['recipes with chickpeas', [], ['chickpeas']],
    ['quick stew under 20 min', ['max_total_minutes:20'], ['stew']],
    ['vegetable soup', [], ['vegetable', 'soup']],
  ])('%s → %j + %j', (query, filters, text) => {
    expect(read(query)).toEqual({ filters, text });
  });

  it('keeps the words when nothing else is left to search', () => {
    expect(read('recipes')).toEqual({ filters: [], text: ['recipes'] });
  });

  it('gives the query without the words of a filter, as typed', () => {
    expect(withoutWords('Quick  Gluten-Free pasta', [1, 2])).toBe('Quick pasta');
    expect(withoutWords('quick vegan', [0])).toBe('vegan');
    expect(withoutWords('crème brûlée vegan', [2])).toBe('crème brûlée');
  });
});

describe('typo distance', () => {
  it('counts a swap of neighbouring letters as one edit', () => {
    expect(typoDistance('coalda', 'colada', 2)).toBe(1);
    expect(typoDistance('sourdouhg', 'sourdough', 2)).toBe(1);
    expect(typoDistance('chiken', 'chicken', 2)).toBe(1);
    expect(typoDistance('vegetarian', 'vegetable', 2)).toBe(3);
    expect(typoDistance('abc', 'abc', 0)).toBe(0);
    // words longer than the first buffer, then short ones again
    expect(typoDistance(`${'a'.repeat(70)}bc`, `${'a'.repeat(70)}cb`, 2)).toBe(1);
    expect(typoDistance('tahinni', 'tahini', 1)).toBe(1);
    expect(typoDistance('tahinni', 'tahiti', 1)).toBe(2);
  });

  it('allows one typo from 4 letters and two from 8', () => {
    expect([3, 4, 7, 8].map(allowedTypos)).toEqual([0, 1, 1, 2]);
  });
});
