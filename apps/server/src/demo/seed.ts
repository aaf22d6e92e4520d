import { randomUUID } from 'node:crypto';
import type { Api } from '@yeet/api';
import type { Caller, RecipeContentInput, Role } from '@yeet/domain';
import type { Logger } from '@yeet/platform';
import { itemAt, seededRandom } from '@yeet/domain/random';
import { artworkJpeg, dishKind } from './artwork.ts';
import { demoReviews } from './reviews.ts';
import recipes from './recipes.json' with { type: 'json' };

/**
 * Demo data for the embedded default: the recipes in recipes.json (written for this
 * project) with cover art drawn for each by what it is served in (uploaded like any photo), published through the
 * real lifecycle (create → submit → approve, so the history is real), a few left in
 * review or draft for the editorial screens, and ratings from demo users. Runs once per database: a marker in app_meta records it.
 *
 * Every api replica of a new installation may start seeding at once (SEED_DEMO=always): the marker is claimed
 * before anything is written, and only the process whose claim was stored seeds. A seed cut short (the process
 * killed half-way) is not started again: a partial demo is better than the duplicates a second run would add.
 */
export const seedMarker = 'demo_seed';

const demoIssuer = 'urn:yeet:demo';

const authors = ['Ada Okafor', 'Bruno Costa', 'Mei Lin', 'Priya Raman', 'Sam Taylor'];
/** Recipes seeded at once (see seedDemo). */
const seedConcurrency = 4;
const raters = ['Alex', 'Bea', 'Carlos', 'Dana', 'Eli', 'Fatima', 'Gus', 'Hana', 'Ivan', 'Jo', 'Kofi', 'Lena'];

/** recipes.json keeps steps as plain strings and calls the flags "dietary". */
interface DemoRecipe extends Omit<RecipeContentInput, 'dietaryFlags' | 'steps' | 'difficulty' | 'mealTypes'> {
  steps: string[];
  difficulty: string;
  mealTypes: string[];
  dietary: string[];
}

export async function seedDemo(api: Api, logger: Logger): Promise<{ seeded: boolean; recipes: number }> {
  const { stores } = api.data;
  const claim = randomUUID();
  const marker = await stores.meta.getOrCreate(seedMarker, () => ({ claim, at: new Date().toISOString() }));
  if ((marker as { claim?: string }).claim !== claim) return { seeded: false, recipes: 0 };
  const started = Date.now();

  const user = async (name: string, roles: Role[]): Promise<Caller & { kind: 'user' }> => {
    const subject = name.toLowerCase().replace(/[^a-z]+/g, '-');
    const u = await stores.users.upsert({ issuer: demoIssuer, subject, displayName: name, email: null }, roles);
    return { kind: 'user', user: { id: u.id, displayName: u.displayName }, roles: u.roles };
  };
  const authorCallers = await Promise.all(authors.map((name) => user(name, ['user', 'author'])));
  const editor = await user('Editorial Desk', ['user', 'editor']);
  const raterCallers = await Promise.all(raters.map((name) => user(name, ['user'])));

  const list = recipes as DemoRecipe[];
  // The same ratings on every install: drawn in the list's order before any recipe is written.
  const rand = seededRandom(20261123);
  const ratings = list.map((demo, i) => {
    if (list.length - i <= 4) return []; // the editorial examples below are not published
    const count = Math.floor(rand() * 9);
    const start = Math.floor(rand() * raterCallers.length);
    const stars = Array.from({ length: count }, () => (rand() < 0.75 ? 4 + Math.round(rand()) : 2 + Math.floor(rand() * 2)));
    // each review names the dish: none is the same as another on the site
    return demoReviews(demo.title, stars, rand).map((review, r) => ({
      rater: itemAt(raterCallers, start + r),
      stars: stars[r]!,
      review,
    }));
  });

  const seedRecipe = async (i: number) => {
    const demo = list[i]!;
    const { dietary, steps, ...rest } = demo;
    const author = itemAt(authorCallers, i);
    // The domain validates the names (difficulty, meal types, flags) like any other input.
    const input = { ...rest, steps: steps.map((text) => ({ text })), dietaryFlags: dietary } as RecipeContentInput;
    const [recipe, cover] = await Promise.all([api.recipes.create(author, input), artworkJpeg(demo.title, dishKind(demo))]);
    // The cover goes through the same path as any upload: target, bytes, check, attach.
    const target = await api.images.createUpload(author, { byteSize: cover.length, contentType: 'image/jpeg' });
    await api.images.receive(target.uploadId, cover);
    await api.images.attach(author, { uploadId: target.uploadId, recipeId: recipe.id, slot: 'cover', stepIndex: 0 });
    // The last four show the editorial flow: two waiting for review, one draft, one rejected.
    const fromEnd = list.length - i;
    if (fromEnd === 2) return;
    await api.recipes.transition(author, recipe.id, 'submit', '');
    if (fromEnd === 4 || fromEnd === 3) return;
    if (fromEnd === 1) {
      await api.recipes.transition(editor, recipe.id, 'reject', 'Lovely idea! Please add oven temperatures to steps 3 and 5.');
      return;
    }
    await api.recipes.transition(editor, recipe.id, 'approve', '');
    for (const { rater, stars, review } of ratings[i]!) await api.ratings.rate(rater, recipe.id, { stars, review });
  };
  // A recipe's steps wait on each other; recipes do not. One after another, most of the seed
  // was spent waiting for PostgreSQL and for the cover's drawing (sharp, on libuv's threads):
  // a few at a time keep both cores busy. Recipes are still started in the list's order.
  let next = 0;
  const seeder = async () => {
    while (next < list.length) await seedRecipe(next++);
  };
  await Promise.all(Array.from({ length: seedConcurrency }, seeder));
  // Searchable before the server says it is ready, not once the worker has caught up with the queue.
  await api.searchCache.reindexAll();
  await stores.meta.set(seedMarker, { at: new Date().toISOString(), recipes: list.length });
  logger.info({ recipes: list.length, ms: Date.now() - started }, 'seeded demo data');
  return { seeded: true, recipes: list.length };
}
