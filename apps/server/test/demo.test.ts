import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@yeet/domain/random';
import { artworkSvg, dishKind, dishKinds } from '../src/demo/artwork.ts';
import recipes from '../src/demo/recipes.json' with { type: 'json' };
import { demoReviews } from '../src/demo/reviews.ts';

describe('the demo covers', () => {
  it('draw each dish in what it is served in: drinks in a glass or cup, breads as a loaf', () => {
    const kindOf = (title: string) => dishKind(recipes.find((r) => r.title === title)!);
    expect(kindOf('Piña Colada')).toBe('glass');
    expect(kindOf('Masala Chai')).toBe('cup');
    expect(kindOf('Country Sourdough Loaf')).toBe('loaf');
    expect(kindOf('Slow-Cooked Beef Lasagna')).toBe('tray');
    expect(kindOf('Chicken Phở (Phở Gà)')).toBe('bowl');
    expect(kindOf('Fluffy Buttermilk Pancakes')).toBe('plate');
    for (const r of recipes.filter((r) => r.mealTypes.includes('drink'))) expect(['glass', 'cup']).toContain(dishKind(r));
    // every kind is used, none by most of the recipes
    const kinds = recipes.map(dishKind);
    expect([...new Set(kinds)].sort()).toEqual([...dishKinds].sort());
    for (const kind of dishKinds) expect(kinds.filter((k) => k === kind).length, kind).toBeLessThan(recipes.length / 2);
  });

  it('are different pictures for different kinds, each one a drawing sharp can render', async () => {
    const drawings = dishKinds.map((k) => artworkSvg('Same title', k));
    expect(new Set(drawings).size).toBe(dishKinds.length);
    for (const svg of drawings) {
      const { width, height } = await sharp(Buffer.from(svg))
        .png()
        .toBuffer({ resolveWithObject: true })
        .then((r) => r.info);
      expect([width, height]).toEqual([1200, 900]);
    }
  });
});

describe('the demo reviews', () => {
  it('never repeat, on one recipe or across the site, and low ratings are not praised', () => {
    const rand = seededRandom(1);
    const seen = new Set<string>();
    let written = 0;
    for (const r of recipes) {
      const stars = [5, 4, 5, 2, 3, 4, 5, 4];
      const reviews = demoReviews(r.title, stars, rand);
      expect(reviews).toHaveLength(stars.length);
      for (const [i, review] of reviews.entries()) {
        if (!review) continue;
        written++;
        expect(seen.has(review), review).toBe(false);
        seen.add(review);
        if (stars[i]! < 4) expect(review).toMatch(/though|but|expected/);
      }
    }
    expect(written).toBeGreaterThan(recipes.length * 3);
  });
});
