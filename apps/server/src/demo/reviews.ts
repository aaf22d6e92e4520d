import { pick } from '@yeet/domain/random';

/**
 * What the demo raters write: each line names the dish, so no two reviews on the site read
 * the same (the same six sentences under every recipe looked like what they were), and one
 * recipe never gets a sentence twice. Low ratings get the lukewarm lines.
 */
const warm = [
  (d: string) => `Made the ${d} on a Tuesday and it disappeared in minutes.`,
  (d: string) => `Clear steps and a great ${d}. I added a little more salt.`,
  (d: string) => `The ${d} is a new favourite in our house.`,
  (d: string) => `Exactly as described. I will be making the ${d} again.`,
  (d: string) => `Cooked the ${d} for friends and everyone asked for the recipe.`,
  (d: string) => `My first try at ${d} and it came out beautifully.`,
  (d: string) => `Doubled the ${d} for a crowd; it scaled without trouble.`,
  (d: string) => `The timings for the ${d} were spot on in my kitchen.`,
];
const lukewarm = [
  (d: string) => `Good ${d}, though mine needed ten minutes longer.`,
  (d: string) => `Tasty ${d}, but I would go easier on the spice next time.`,
  (d: string) => `The ${d} was fine; I expected a bit more flavour.`,
  (d: string) => `Nice enough ${d}, though the steps could say when it is done.`,
];

/** `stars` for each rating of a recipe → its reviews, '' for a rating left without words. */
export function demoReviews(title: string, stars: readonly number[], rand: () => number): string[] {
  const dish = title.replace(/\s*\(.*\)$/, '').toLowerCase();
  const unused = { warm: [...warm], lukewarm: [...lukewarm] };
  return stars.map((s) => {
    const lines = s >= 4 ? unused.warm : unused.lukewarm;
    // about a third of people rate without writing anything
    if (lines.length === 0 || rand() < 0.33) return '';
    const line = pick(rand, lines);
    lines.splice(lines.indexOf(line), 1);
    return line(dish);
  });
}
