/**
 * A deterministic generator of realistic recipes, written straight into the database
 * (recipes, ratings summary columns) for benchmarks. Same seed, same recipes.
 *
 *   node bench/generate.ts [count]      (DATABASE_URL required)
 */
import {
  difficulties,
  mealTypes,
  type DietaryFlag,
  type Difficulty,
  type MealType,
  type RecipeStatus,
} from '@yeet/domain/values';
import pg from 'pg';
import { pick, seededRandom } from '@yeet/domain/random';

const cuisines: Record<string, { mains: string[]; flavours: string[]; dishes: string[] }> = {
  italian: {
    mains: ['chicken', 'mushroom', 'tomato', 'spinach', 'sausage', 'aubergine', 'courgette', 'prawn'],
    flavours: ['basil', 'garlic', 'parmesan', 'lemon', 'oregano', 'chilli'],
    dishes: ['pasta', 'risotto', 'lasagna', 'pizza', 'gnocchi', 'frittata', 'focaccia'],
  },
  french: {
    mains: ['chicken', 'beef', 'leek', 'mushroom', 'duck', 'salmon', 'potato'],
    flavours: ['thyme', 'tarragon', 'butter', 'mustard', 'shallot', 'wine'],
    dishes: ['gratin', 'tart', 'stew', 'omelette', 'soup', 'crepes', 'quiche'],
  },
  indian: {
    mains: ['chicken', 'lamb', 'chickpea', 'lentil', 'paneer', 'cauliflower', 'potato', 'spinach'],
    flavours: ['cumin', 'turmeric', 'garam', 'ginger', 'coriander', 'cardamom'],
    dishes: ['curry', 'dal', 'biryani', 'masala', 'korma', 'pakora', 'naan'],
  },
  mexican: {
    mains: ['chicken', 'pork', 'bean', 'beef', 'prawn', 'corn', 'avocado'],
    flavours: ['lime', 'chipotle', 'cilantro', 'jalapeno', 'cumin', 'oregano'],
    dishes: ['tacos', 'burrito', 'enchiladas', 'quesadilla', 'salsa', 'chilli', 'tostadas'],
  },
  japanese: {
    mains: ['salmon', 'tofu', 'chicken', 'pork', 'udon', 'egg', 'tuna'],
    flavours: ['miso', 'soy', 'ginger', 'sesame', 'mirin', 'wasabi'],
    dishes: ['ramen', 'donburi', 'teriyaki', 'katsu', 'soup', 'onigiri', 'tempura'],
  },
  chinese: {
    mains: ['pork', 'chicken', 'tofu', 'beef', 'prawn', 'noodle', 'aubergine'],
    flavours: ['ginger', 'soy', 'garlic', 'chilli', 'sesame', 'scallion'],
    dishes: ['stir-fry', 'dumplings', 'noodles', 'fried rice', 'bao', 'hotpot', 'congee'],
  },
  thai: {
    mains: ['chicken', 'prawn', 'tofu', 'beef', 'noodle', 'pumpkin'],
    flavours: ['lemongrass', 'coconut', 'lime', 'basil', 'chilli', 'galangal'],
    dishes: ['curry', 'pad thai', 'salad', 'soup', 'stir-fry', 'satay'],
  },
  greek: {
    mains: ['lamb', 'feta', 'chicken', 'aubergine', 'spinach', 'octopus'],
    flavours: ['oregano', 'lemon', 'dill', 'olive', 'garlic', 'mint'],
    dishes: ['souvlaki', 'moussaka', 'salad', 'pie', 'gyros', 'stew'],
  },
  american: {
    mains: ['beef', 'chicken', 'pork', 'potato', 'corn', 'cheese', 'apple'],
    flavours: ['bbq', 'maple', 'cheddar', 'bacon', 'pepper', 'cinnamon'],
    dishes: ['burger', 'pancakes', 'pie', 'mac and cheese', 'ribs', 'cornbread', 'brownies'],
  },
  'middle-eastern': {
    mains: ['chickpea', 'lamb', 'aubergine', 'chicken', 'lentil', 'cauliflower'],
    flavours: ['tahini', 'sumac', 'zaatar', 'cumin', 'pomegranate', 'mint'],
    dishes: ['hummus', 'shawarma', 'falafel', 'pilaf', 'shakshuka', 'kebab'],
  },
  korean: {
    mains: ['beef', 'pork', 'tofu', 'chicken', 'kimchi', 'rice'],
    flavours: ['gochujang', 'sesame', 'garlic', 'soy', 'ginger', 'scallion'],
    dishes: ['bibimbap', 'bulgogi', 'stew', 'pancake', 'fried chicken', 'noodles'],
  },
  vietnamese: {
    mains: ['beef', 'pork', 'prawn', 'chicken', 'tofu', 'noodle'],
    flavours: ['lemongrass', 'fish sauce', 'mint', 'lime', 'chilli', 'coriander'],
    dishes: ['pho', 'banh mi', 'summer rolls', 'noodle salad', 'curry', 'soup'],
  },
  spanish: {
    mains: ['chorizo', 'prawn', 'potato', 'chicken', 'pepper', 'squid'],
    flavours: ['paprika', 'saffron', 'garlic', 'sherry', 'olive', 'almond'],
    dishes: ['paella', 'tortilla', 'tapas', 'stew', 'croquetas', 'gazpacho'],
  },
  moroccan: {
    mains: ['lamb', 'chicken', 'chickpea', 'carrot', 'apricot', 'couscous'],
    flavours: ['ras el hanout', 'cinnamon', 'preserved lemon', 'harissa', 'cumin', 'mint'],
    dishes: ['tagine', 'couscous', 'harira', 'salad', 'pastilla', 'kefta'],
  },
  british: {
    mains: ['beef', 'fish', 'potato', 'lamb', 'apple', 'sausage'],
    flavours: ['mustard', 'thyme', 'ale', 'mint', 'butter', 'cheddar'],
    dishes: ['pie', 'crumble', 'roast', 'scones', 'pudding', 'fish and chips'],
  },
  caribbean: {
    mains: ['chicken', 'pork', 'plantain', 'fish', 'bean', 'goat'],
    flavours: ['allspice', 'scotch bonnet', 'lime', 'thyme', 'coconut', 'ginger'],
    dishes: ['jerk', 'curry', 'rice and peas', 'stew', 'patties', 'fritters'],
  },
};

const staples = [
  'salt',
  'black pepper',
  'olive oil',
  'onion',
  'garlic',
  'butter',
  'water',
  'sugar',
  'flour',
  'egg',
  'stock',
  'lemon',
  'rice',
  'milk',
  'cream',
  'tomatoes',
  'carrot',
  'celery',
  'parsley',
  'vinegar',
];
const adjectives = [
  'Smoky',
  'Crispy',
  'Creamy',
  'Spicy',
  'Quick',
  'Slow-Cooked',
  'Roasted',
  'Grilled',
  'Easy',
  'Classic',
  'Herby',
  'Sticky',
  'Golden',
  'Rustic',
  'Weeknight',
  'Zesty',
  'Hearty',
  'Fragrant',
  'Honey',
  'Garlicky',
];
const tagsPool = [
  'weeknight',
  'one-pot',
  'comfort-food',
  'make-ahead',
  'spicy',
  'quick',
  'family',
  'party',
  'healthy',
  'budget',
  'baking',
  'grilling',
  'soup',
  'salad',
  'vegetarian-friendly',
  'meal-prep',
  'date-night',
  'kids',
  'summer',
  'winter',
  'brunch',
  'festive',
  'freezer-friendly',
  'high-protein',
  'low-carb',
];
const meaty = new Set([
  'chicken',
  'lamb',
  'beef',
  'pork',
  'sausage',
  'duck',
  'salmon',
  'prawn',
  'tuna',
  'fish',
  'octopus',
  'squid',
  'chorizo',
  'goat',
  'bacon',
]);

const pickSome = <T>(rand: () => number, list: readonly T[], n: number): T[] => {
  const out = new Set<T>();
  while (out.size < Math.min(n, list.length)) out.add(pick(rand, list));
  return [...out];
};
const cap = (s: string) => s.replace(/\b\w/g, (c) => c.toUpperCase());

export interface GeneratedRecipe {
  title: string;
  summary: string;
  ingredients: string[];
  cuisines: string[];
  mealTypes: MealType[];
  difficulty: Difficulty;
  tags: string[];
  dietary: DietaryFlag[];
  prep: number;
  cook: number;
  total: number;
  servings: number;
  ratingCount: number;
  ratingSum: number;
  status: RecipeStatus;
}

export function generateRecipe(rand: () => number, i: number): GeneratedRecipe {
  const cuisineNames = Object.keys(cuisines);
  const [cuisine, c] = pick(rand, Object.entries(cuisines));
  const main = pick(rand, c.mains);
  const flavour = pick(rand, c.flavours);
  const dish = pick(rand, c.dishes);
  const style = rand();
  const title =
    style < 0.35
      ? `${pick(rand, adjectives)} ${cap(main)} ${cap(dish)}`
      : style < 0.7
        ? `${cap(flavour)} ${cap(main)} ${cap(dish)}`
        : `${cap(main)} and ${cap(pick(rand, c.mains))} ${cap(dish)} with ${cap(flavour)}`;
  const ingredients = [main, flavour, ...pickSome(rand, c.flavours, 2), ...pickSome(rand, staples, 4 + Math.floor(rand() * 6))];
  const vegetarian = !ingredients.some((x) => meaty.has(x)) && rand() < 0.9;
  const diets = new Set<DietaryFlag>();
  if (vegetarian) diets.add('vegetarian');
  if (vegetarian && rand() < 0.35) diets.add('vegan').add('dairy-free');
  if (rand() < 0.3) diets.add('gluten-free');
  if (rand() < 0.2) diets.add('dairy-free');
  if (rand() < 0.7) diets.add('nut-free');
  const prep = 5 + Math.floor(rand() * 40);
  const cook = Math.floor(rand() * rand() * 240);
  const rest = rand() < 0.15 ? Math.floor(rand() * 600) : 0;
  const meals = rand() < 0.6 ? [pick(rand, ['lunch', 'dinner'] as const)] : pickSome(rand, mealTypes, 1 + Math.floor(rand() * 2));
  const ratingCount = Math.floor(rand() * rand() * 60);
  const ratingSum = Math.round(ratingCount * (2.5 + rand() * 2.5));
  return {
    title: `${title}${i % 7 === 0 ? ` No. ${i}` : ''}`,
    summary: `${pick(rand, ['A', 'An easy', 'A bright', 'A comforting', 'A crowd-pleasing'])} ${cuisine.replace('-', ' ')} ${dish} with ${main} and ${flavour}, ${pick(rand, ['ready for a weeknight', 'perfect for sharing', 'great for meal prep', 'worth the wait', 'on the table fast'])}.`,
    ingredients,
    cuisines: rand() < 0.08 ? [cuisine, pick(rand, cuisineNames)].filter((v, idx, a) => a.indexOf(v) === idx) : [cuisine],
    mealTypes: meals,
    difficulty: pick(rand, difficulties),
    tags: pickSome(rand, tagsPool, 1 + Math.floor(rand() * 4)),
    dietary: [...diets],
    prep,
    cook,
    total: prep + cook + rest,
    servings: 1 + Math.floor(rand() * 8),
    ratingCount,
    ratingSum: Math.min(Math.max(ratingSum, ratingCount), ratingCount * 5),
    status: rand() < 0.95 ? 'published' : pick(rand, ['draft', 'in_review', 'archived'] as const),
  };
}

/**
 * Inserts `count` generated recipes (by one generated author) in batches. Slugs are
 * `gen-<n>`; running it again adds nothing that is already there.
 */
export async function generateRecipes(client: pg.ClientBase, count: number, seed = 42): Promise<number> {
  const author = await client.query<{ id: string }>(
    `insert into users (issuer, subject, display_name, roles) values ('urn:yeet:bench', 'generator', 'Recipe Generator', '{user,author}')
     on conflict (issuer, subject) do update set display_name = excluded.display_name returning id`,
  );
  const authorId = author.rows[0]?.id;
  if (!authorId) throw new Error('the generated recipes have no author');
  const existing = Number((await client.query(`select count(*) as n from recipes where slug like 'gen-%'`)).rows[0].n);
  const rand = seededRandom(seed);
  for (let i = 0; i < existing; i++) generateRecipe(rand, i); // keep the sequence deterministic
  const batch = 1000;
  for (let start = existing; start < count; start += batch) {
    const rows = Array.from({ length: Math.min(batch, count - start) }, (_, k) => generateRecipe(rand, start + k));
    await client.query(
      `insert into recipes (slug, author_id, status, title, summary, ingredient_sections, steps, servings,
         prep_minutes, cook_minutes, total_minutes, difficulty, cuisines, meal_types, tags, dietary_flags,
         rating_count, rating_sum, published_at, created_at)
       select 'gen-' || (s.n), $1, s.status, s.title, s.summary,
         jsonb_build_array(jsonb_build_object('name', '', 'ingredients',
           (select jsonb_agg(jsonb_build_object('quantity', 1, 'unit', '', 'item', x, 'note', '')) from unnest(string_to_array(s.ingredients, '|')) x))),
         '[{"text": "Cook it."}]', s.servings, s.prep, s.cook, s.total, s.difficulty,
         string_to_array(s.cuisines, '|'), string_to_array(s.meals, '|'), string_to_array(s.tags, '|'),
         coalesce(string_to_array(nullif(s.diets, ''), '|'), '{}'),
         s.rating_count, s.rating_sum,
         case when s.status in ('published', 'archived') then now() - (s.n || ' minutes')::interval end,
         now() - (s.n || ' minutes')::interval
       from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[], $9::int[], $10::int[],
                   $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::int[], $17::int[])
         as s(n, status, title, summary, ingredients, servings, prep, cook, total, difficulty, cuisines, meals, tags, diets, rating_count, rating_sum)
       on conflict (slug) do nothing`,
      [
        authorId,
        rows.map((_, k) => start + k),
        rows.map((r) => r.status),
        rows.map((r) => r.title),
        rows.map((r) => r.summary),
        rows.map((r) => r.ingredients.join('|')),
        rows.map((r) => r.servings),
        rows.map((r) => r.prep),
        rows.map((r) => r.cook),
        rows.map((r) => r.total),
        rows.map((r) => r.difficulty),
        rows.map((r) => r.cuisines.join('|')),
        rows.map((r) => r.mealTypes.join('|')),
        rows.map((r) => r.tags.join('|')),
        rows.map((r) => r.dietary.join('|')),
        rows.map((r) => r.ratingCount),
        rows.map((r) => r.ratingSum),
      ],
    );
  }
  return count - existing;
}

if (import.meta.main) {
  const count = Number(process.argv[2] ?? 100_000);
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is required');
    process.exit(2);
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = Date.now();
  const added = await generateRecipes(client, count);
  console.log(`added ${added} recipes in ${Date.now() - started} ms`);
  await client.end();
}
