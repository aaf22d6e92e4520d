/**
 * The judged relevance set over the demo recipes (apps/server/src/demo/recipes.json): queries
 * people type, with the recipes that must come back in the top 3 and the top 10, scored as
 * recall@10 and nDCG@10. Used by test/search/relevance.test.ts (with thresholds) and printed
 * by `npm run bench:search -- --quality`.
 */
import { fold } from '@yeet/domain';
import demo from '../../apps/server/src/demo/recipes.json' with { type: 'json' };

interface DemoRecipe {
  title: string;
  summary: string;
  totalMinutes: number;
  difficulty: string;
  cuisines: string[];
  mealTypes: string[];
  dietary: string[];
  tags: string[];
  ingredientSections: Array<{ ingredients: Array<{ item: string }> }>;
}

/** The seed leaves the last four unpublished (two in review, a draft, a rejected one). */
export const publishedDemo = (demo as DemoRecipe[]).slice(0, -4);

export type Kind =
  | 'typo: swap'
  | 'typo: drop'
  | 'typo: double'
  | 'typo: neighbouring key'
  | 'synonym'
  | 'facet words'
  | 'multi-word'
  | 'ingredient'
  | 'cuisine + dish';

export interface Judged {
  query: string;
  kind: Kind;
  /** Titles that must be in the first three. */
  top3: string[];
  /** Titles that must be in the first ten (besides top3). */
  top10: string[];
  /** Exactly this many results (the facet count the words name). */
  total?: number;
  /** Returns exactly what this query returns (a typo and its correction). */
  same?: string;
}

const words = (text: string) =>
  fold(text)
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

/** Every word of the demo text: a "typo" that spells one of these is another word, not a typo. */
const demoWords = new Set(
  publishedDemo.flatMap((r) =>
    words(
      [
        r.title,
        r.summary,
        ...r.tags,
        ...r.cuisines,
        ...r.ingredientSections.flatMap((s) => s.ingredients.map((i) => i.item)),
      ].join(' '),
    ),
  ),
);

const rows = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
function neighbour(c: string): string {
  for (const [r, row] of rows.entries()) {
    const i = row.indexOf(c);
    if (i >= 0) return row[i + 1] ?? row[i - 1] ?? rows[r]![0]!;
  }
  return c;
}

/** One-edit typos of a word, of each kind people make, at its middle letter. */
export function typos(word: string): Array<{ kind: Kind; typo: string }> {
  const m = Math.floor(word.length / 2);
  const at = (i: number) => word[i]!;
  const candidates: Array<{ kind: Kind; typo: string }> = [
    { kind: 'typo: swap', typo: word.slice(0, m) + at(m + 1) + at(m) + word.slice(m + 2) },
    { kind: 'typo: drop', typo: word.slice(0, m) + word.slice(m + 1) },
    { kind: 'typo: double', typo: word.slice(0, m) + at(m) + word.slice(m) },
    { kind: 'typo: neighbouring key', typo: word.slice(0, m) + neighbour(at(m)) + word.slice(m + 1) },
  ];
  return candidates.filter((c) => c.typo !== word && !demoWords.has(c.typo));
}

/** Published titles with each word, to judge only words that can single out a recipe. */
const titlesWith = (word: string) => publishedDemo.filter((r) => words(r.title).includes(word)).length;

/**
 * The longest word of each published title (5 letters or more) that fewer than 5 titles
 * share, misspelled each way: that recipe in the top 10. ("chicken", in 11 titles, cannot
 * put any one of them in the top 10.)
 */
function typoQueries(): Judged[] {
  return publishedDemo.flatMap((r) => {
    const longest = words(r.title)
      .filter((w) => titlesWith(w) < 5)
      .reduce((a, b) => (b.length > a.length ? b : a), '');
    if (longest.length < 5) return [];
    return typos(longest).map(({ kind, typo }) => ({ query: typo, kind, top3: [], top10: [r.title] }));
  });
}

const having = (test: (r: DemoRecipe) => boolean) => publishedDemo.filter(test);
/** Words naming facet values: exactly the recipes with those values, every one of them on the first page when ≤ 10. */
function facetQuery(query: string, test: (r: DemoRecipe) => boolean): Judged {
  const matching = having(test);
  return {
    query,
    kind: 'facet words',
    top3: [],
    top10: matching.length <= 10 ? matching.map((r) => r.title) : [],
    total: matching.length,
  };
}
const diet = (flag: string) => (r: DemoRecipe) => r.dietary.includes(flag);
const meal = (type: string) => (r: DemoRecipe) => r.mealTypes.includes(type);
const quick = (r: DemoRecipe) => r.totalMinutes <= 30;

const judged = (kind: Kind, query: string, top3: string[], top10: string[] = []): Judged => ({ query, kind, top3, top10 });

export function judgedSet(): Judged[] {
  return [
    ...typoQueries(),
    { query: 'chiken', kind: 'typo: drop', top3: [], top10: [], same: 'chicken' },
    { query: 'coalda', kind: 'typo: swap', top3: ['Piña Colada'], top10: [], same: 'colada' },
    { query: 'lasagnia', kind: 'typo: double', top3: ['Slow-Cooked Beef Lasagna'], top10: [], same: 'lasagna' },

    facetQuery('vegan', diet('vegan')),
    facetQuery('vegans', diet('vegan')),
    facetQuery('vegetarian', diet('vegetarian')),
    facetQuery('gluten free', diet('gluten-free')),
    facetQuery('gluten-free', diet('gluten-free')),
    facetQuery('glutenfree', diet('gluten-free')),
    facetQuery('dairy free', diet('dairy-free')),
    facetQuery('dessert', meal('dessert')),
    facetQuery('desserts', meal('dessert')),
    facetQuery('breakfast', meal('breakfast')),
    facetQuery('drinks', meal('drink')),
    facetQuery('snacks', meal('snack')),
    facetQuery('side dishes', meal('side')),
    facetQuery('quick vegan', (r) => quick(r) && diet('vegan')(r)),
    facetQuery('quick breakfast', (r) => quick(r) && meal('breakfast')(r)),
    facetQuery('easy dessert', (r) => r.difficulty === 'easy' && meal('dessert')(r)),
    facetQuery('vegan dessert', (r) => diet('vegan')(r) && meal('dessert')(r)),
    facetQuery('gluten free breakfast', (r) => diet('gluten-free')(r) && meal('breakfast')(r)),
    facetQuery('drinks under 15 minutes', (r) => r.totalMinutes <= 15 && meal('drink')(r)),
    facetQuery('korean', (r) => r.cuisines.includes('korean')),
    facetQuery('middle eastern', (r) => r.cuisines.includes('middle-eastern')),
    facetQuery('hard', (r) => r.difficulty === 'hard'),

    judged('synonym', 'eggplant', ['Miso-Glazed Aubergine'], ['Provençal Ratatouille', 'Classic Lamb Moussaka']),
    judged('synonym', 'zucchini', ['Courgette and Feta Fritters']),
    judged('synonym', 'courgette', ['Courgette and Feta Fritters'], ['Roasted Sweet Potato and Black Bean Tacos']),
    judged('synonym', 'shrimp', ['Cajun Shrimp and Cheesy Grits'], ['Garlic Butter Prawn Linguine']),
    judged('synonym', 'prawns', ['Garlic Butter Prawn Linguine'], ['Cajun Shrimp and Cheesy Grits']),
    judged('synonym', 'garbanzo', [], ['Extra-Silky Hummus', 'Falafel Wraps with Tahini Sauce']),
    judged('synonym', 'yoghurt', [], ['Mango Lassi', 'Butter Chicken']),
    judged('synonym', 'lasagne', ['Slow-Cooked Beef Lasagna']),
    judged('synonym', 'cilantro', [], ['Chunky Guacamole']),

    judged('ingredient', 'recipes with chickpeas', [], ['Extra-Silky Hummus', 'Falafel Wraps with Tahini Sauce']),
    judged(
      'ingredient',
      'tofu',
      [],
      ['Mapo Tofu', 'Tofu Pad Thai', 'Miso Soup with Tofu and Wakame', 'Tofu Summer Rolls with Peanut Dipping Sauce'],
    ),
    judged('ingredient', 'with tahini', ['Extra-Silky Hummus', 'Falafel Wraps with Tahini Sauce']),
    judged('ingredient', 'mango', ['Mango Lassi', 'Mango Sticky Rice']),
    judged('ingredient', 'coconut milk', [], ['Mango Sticky Rice']),
    judged('ingredient', 'feta', ['Courgette and Feta Fritters'], ['Horiatiki (Greek Village Salad)', 'Smoky Shakshuka']),
    judged('ingredient', 'buttermilk', ['Fluffy Buttermilk Pancakes'], ['Jalapeño Cheddar Cornbread']),
    judged('ingredient', 'lentils', ['Misir Wot (Spiced Red Lentil Stew)']),
    judged('ingredient', 'chorizo', ['Chicken and Chorizo Paella']),
    judged('ingredient', 'avocado', ['Chunky Guacamole']),
    judged('ingredient', 'mascarpone', ['Classic Tiramisu']),
    judged('ingredient', 'lamb mince', [], ['Classic Lamb Moussaka', "Shepherd's Pie"]),
    judged('ingredient', 'pineapple', ['Piña Colada']),
    judged('ingredient', 'cardamom', [], ['Masala Chai', 'Mango Lassi']),
    judged('ingredient', 'gochujang', [], ['Korean Fried Chicken Wings']),
    judged(
      'ingredient',
      'miso',
      [],
      ['Miso Butter Mushroom Spaghetti', 'Miso-Glazed Aubergine', 'Miso Soup with Tofu and Wakame'],
    ),
    judged('ingredient', 'recipes with sourdough starter', ['Country Sourdough Loaf']),
    judged('ingredient', 'saffron', ['Chicken and Chorizo Paella']),

    judged('cuisine + dish', 'thai curry', ['Thai Green Chicken Curry']),
    judged('cuisine + dish', 'japanese curry', ['Chicken Katsu Curry']),
    judged('cuisine + dish', 'indian chicken', ['Butter Chicken']),
    judged('cuisine + dish', 'greek salad', ['Horiatiki (Greek Village Salad)']),
    judged('cuisine + dish', 'mexican tacos', ['Roasted Sweet Potato and Black Bean Tacos']),
    judged('cuisine + dish', 'french dessert', [], ['Vanilla Crème Brûlée', 'Crêpes with Orange Butter']),
    judged('cuisine + dish', 'chinese dumplings', ['Handmade Pork and Chive Dumplings']),
    judged('cuisine + dish', 'korean chicken', ['Korean Fried Chicken Wings']),
    judged('cuisine + dish', 'ethiopian stew', [], ['Misir Wot (Spiced Red Lentil Stew)', 'Doro Wat (Ethiopian Chicken Stew)']),
    judged('cuisine + dish', 'moroccan chicken', ['Chicken Tagine with Green Olives and Preserved Lemon']),
    judged('cuisine + dish', 'caribbean chicken', ['Jerk Chicken Thighs']),
    judged('cuisine + dish', 'spanish tortilla', ['Tortilla Española']),
    judged('cuisine + dish', 'italian dessert', ['Classic Tiramisu']),

    judged('multi-word', 'chicken curry', ['Thai Green Chicken Curry', 'Chicken Katsu Curry']),
    judged('multi-word', 'garlic prawn linguine', ['Garlic Butter Prawn Linguine']),
    judged('multi-word', 'lemon cake', ['Lemon Drizzle Cake']),
    judged('multi-word', 'fried rice', ['Egg Fried Rice']),
    judged('multi-word', 'sticky rice', ['Mango Sticky Rice']),
    judged('multi-word', 'sweet potato tacos', ['Roasted Sweet Potato and Black Bean Tacos']),
    judged('multi-word', 'mint tea', ['Moroccan Mint Tea']),
    judged('multi-word', 'creme brulee', ['Vanilla Crème Brûlée']),
    judged('multi-word', 'pho', ['Chicken Phở (Phở Gà)']),
    judged('multi-word', 'banh mi', ['Lemongrass Chicken Bánh Mì']),
    judged('multi-word', 'pina colada', ['Piña Colada']),
    judged('multi-word', 'beef lasagna', ['Slow-Cooked Beef Lasagna']),
    judged('multi-word', 'shepherds pie', ["Shepherd's Pie"]),
    judged('multi-word', 'miso soup', ['Miso Soup with Tofu and Wakame']),
    judged('multi-word', 'chicken wings', ['Korean Fried Chicken Wings']),
    judged('multi-word', 'fruit scones', ['Classic Fruit Scones']),
    judged('multi-word', 'cheesy grits', ['Cajun Shrimp and Cheesy Grits']),
  ];
}

export interface Outcome {
  titles: string[];
  total: number;
  corrected: string;
}

export interface Score {
  query: string;
  kind: Kind;
  recall: number;
  ndcg: number;
  /** What went wrong, for the report; empty when every expectation held. */
  problems: string[];
}

/**
 * Scores one query: recall@10 over every title that must appear, nDCG@10 with the top-3
 * titles worth 2 and the others 1; the total and "same as" checks count as problems only.
 */
export function score(j: Judged, got: Outcome, same?: Outcome): Score {
  const top = got.titles.slice(0, 10);
  const gain = new Map<string, number>([...j.top10.map((t) => [t, 1] as const), ...j.top3.map((t) => [t, 2] as const)]);
  const problems: string[] = [];
  for (const t of j.top3) if (!got.titles.slice(0, 3).includes(t)) problems.push(`${t} not in top 3`);
  for (const t of j.top10) if (!top.includes(t)) problems.push(`${t} not in top 10`);
  if (j.total !== undefined && got.total !== j.total) problems.push(`${got.total} results, not ${j.total}`);
  if (same && (same.total !== got.total || same.titles.join('|') !== got.titles.join('|')))
    problems.push(`differs from "${j.same}" (${got.total} vs ${same.total})`);
  const recall = gain.size ? [...gain.keys()].filter((t) => top.includes(t)).length / gain.size : 1;
  const dcg = top.reduce((sum, t, i) => sum + (2 ** (gain.get(t) ?? 0) - 1) / Math.log2(i + 2), 0);
  const ideal = [...gain.values()]
    .sort((a, b) => b - a)
    .slice(0, 10)
    .reduce((sum, g, i) => sum + (2 ** g - 1) / Math.log2(i + 2), 0);
  return { query: j.query, kind: j.kind, recall, ndcg: ideal ? dcg / ideal : 1, problems };
}

/** Runs the whole set through `search` (query → the first page's titles, total and correction). */
export async function runJudgedSet(search: (query: string) => Promise<Outcome>): Promise<Score[]> {
  const scores: Score[] = [];
  for (const j of judgedSet()) {
    const got = await search(j.query);
    scores.push(score(j, got, j.same ? await search(j.same) : undefined));
  }
  return scores;
}

/** Mean recall@10 and nDCG@10 by kind and overall, with the share of queries that met every expectation. */
export function summary(scores: Score[]): Array<{ kind: string; queries: number; recall: number; ndcg: number; passed: number }> {
  const groups = new Map<string, Score[]>();
  for (const s of scores) groups.set(s.kind, [...(groups.get(s.kind) ?? []), s]);
  groups.set(
    'typos (all kinds)',
    scores.filter((s) => s.kind.startsWith('typo')),
  );
  groups.set('all', scores);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return [...groups.entries()].map(([kind, s]) => ({
    kind,
    queries: s.length,
    recall: mean(s.map((x) => x.recall)),
    ndcg: mean(s.map((x) => x.ndcg)),
    passed: s.filter((x) => x.problems.length === 0).length / s.length,
  }));
}
