import { describe, expect, it } from 'vitest';
import { itemAt, pick, seededRandom, seedOf } from '../src/random.ts';

describe('seeded randomness', () => {
  it('gives every machine the same sequence for a seed, so every install gets the same demo', () => {
    const rand = seededRandom(42);
    expect([rand(), rand()]).toEqual([0.6011037519201636, 0.44829055899754167]);
    expect(seedOf('Cacio e Pepe')).toBe(1186599135);
  });

  it('stays in [0, 1)', () => {
    const rand = seededRandom(seedOf('range'));
    for (let i = 0; i < 10_000; i++) expect(rand()).toSatisfy((n: number) => n >= 0 && n < 1);
  });

  it('picks from a list, counting round it, and refuses an empty one', () => {
    expect(itemAt(['a', 'b', 'c'], 4)).toBe('b');
    expect(['a', 'b', 'c']).toContain(pick(seededRandom(1), ['a', 'b', 'c']));
    expect(() => itemAt([], 0)).toThrow(RangeError);
  });
});
