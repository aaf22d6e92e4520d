import {
  dietaryFlags,
  isCuisine,
  kebab,
  limits,
  mealTypes,
  parseIngredientLine,
  type DietaryFlag,
  type MealType,
  type RecipeContentInput,
} from '@yeet/domain';
import { servingsOf } from './clean.ts';
import type { ExtractedRecipe } from './extract.ts';

/**
 * A page's recipe as a draft of ours: what the importer read, fitted to what a recipe may hold
 * (lengths, counts, ranges) so an import never fails on a page's excess, and the fields the page
 * did not give, by their RecipeInput names.
 */
export interface ImportedDraft {
  content: RecipeContentInput;
  missing: string[];
}

/** Servings when the page does not say: the most common yield of home recipes. */
export const defaultServings = 4;

export function draftFromExtracted(r: ExtractedRecipe, fallbackTitle: string): ImportedDraft {
  const missing: string[] = [];
  const note = (found: boolean, field: string) => {
    if (!found) missing.push(field);
  };

  const title = fitText(r.title, limits.title.max);
  note(title.length >= limits.title.min, 'title');
  const summary = fitText(r.description, limits.summary);
  note(summary !== '', 'summary');

  const ingredientSections = r.ingredientSections
    .map((s) => ({ name: fitText(s.name, limits.sectionName), ingredients: s.lines.filter((l) => l.trim()).map(ingredientOf) }))
    .filter((s) => s.ingredients.length > 0);
  const sections = capSections(ingredientSections);
  note(sections.length > 0, 'ingredient_sections');

  const steps = capSteps(
    r.stepSections.flatMap((s) =>
      s.steps
        .map((text) => text.trim())
        .filter(Boolean)
        .map((text, i) => (i === 0 && s.name && s.name !== text ? `**${s.name.replace(/:$/, '')}:** ${text}` : text)),
    ),
  );
  note(steps.length > 0, 'steps');

  const servings = servingsOf(r.yields);
  note(servings !== null, 'servings');
  const prepMinutes = minutes(r.prepMinutes);
  const cookMinutes = minutes(r.cookMinutes);
  // A page's total below its prep + cook is an error of the page: prep + cook stands.
  const total = minutes(r.totalMinutes);
  const totalMinutes = total >= prepMinutes + cookMinutes ? total : 0;
  note(r.prepMinutes !== null, 'prep_minutes');
  note(r.cookMinutes !== null, 'cook_minutes');
  note(totalMinutes > 0 || prepMinutes + cookMinutes > 0, 'total_minutes');

  // Sites put diets and courses among cuisines too ("Vegan", "Dessert"): those go where they belong.
  // A cuisine not on our list ("Tex-Mex") becomes a tag rather than being lost.
  const named = labels(
    r.cuisines.filter((c) => dietsOf([c]).length === 0 && mealTypesOf([c]).length === 0),
    limits.cuisine,
    Number.POSITIVE_INFINITY,
  );
  const cuisines = named.filter(isCuisine).slice(0, limits.cuisines);
  note(cuisines.length > 0, 'cuisines');
  const meals = mealTypesOf([...r.categories, ...r.cuisines]);
  note(meals.length > 0, 'meal_types');
  const diets = dietsOf([...r.diets, ...r.keywords, ...r.categories, ...r.cuisines]);
  note(diets.length > 0, 'dietary_flags');
  const taken = new Set<string>([...cuisines, ...meals, ...diets]);
  const otherCuisines = named.filter((c) => !isCuisine(c));
  const tags = labels([...otherCuisines, ...r.keywords], limits.tag, limits.tags + taken.size)
    .filter((t) => !taken.has(t) && t !== kebab(title))
    .slice(0, limits.tags);
  note(tags.length > 0, 'tags');
  // Pages never rate their own difficulty in a way we can trust: the author picks it.
  missing.push('difficulty');

  return {
    content: {
      title: title.length >= limits.title.min ? title : fitText(fallbackTitle, limits.title.max),
      summary,
      ingredientSections: sections,
      steps: steps.map((text) => ({ text })),
      servings: Math.min(Math.max(servings ?? defaultServings, limits.servings.min), limits.servings.max),
      prepMinutes,
      cookMinutes,
      totalMinutes,
      difficulty: null,
      cuisines,
      mealTypes: meals,
      tags,
      dietaryFlags: diets,
    },
    missing,
  };
}

/** Whether a page gave anything of a recipe at all (otherwise the import is refused). */
export function looksLikeRecipe(r: ExtractedRecipe): boolean {
  const lines = r.ingredientSections.reduce((n, s) => n + s.lines.length, 0);
  const steps = r.stepSections.reduce((n, s) => n + s.steps.length, 0);
  return lines > 0 || steps > 0;
}

type Ingredient = RecipeContentInput['ingredientSections'][number]['ingredients'][number];

/**
 * One line through our ingredient parser; when the parse is doubtful (nothing after the amount,
 * the name starting with a stray range or bracket, a part too long, an amount below zero) the line is kept whole as the
 * ingredient's name, so nothing the page said is lost or mangled.
 */
export function ingredientOf(line: string): Ingredient {
  const text = line.replace(/\s+/g, ' ').trim();
  const parsed = parseIngredientLine(text);
  const sure =
    /^\p{L}/u.test(parsed.item) &&
    parsed.item.length <= limits.item &&
    parsed.note.length <= limits.note &&
    parsed.unit.length <= limits.unit &&
    (parsed.quantity === undefined || (parsed.quantity > 0 && parsed.quantity <= limits.quantity));
  if (sure) return { quantity: parsed.quantity ?? null, unit: parsed.unit, item: parsed.item, note: parsed.note };
  const item = fitText(text, limits.item);
  return { quantity: null, unit: '', item, note: fitText(text.slice(item.length).replace(/^[\s,;]+/, ''), limits.note) };
}

/** Text cut to `max` characters at a word boundary where there is one near. */
export function fitText(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return (space > max * 0.6 ? cut.slice(0, space) : cut).trim();
}

function minutes(value: number | null): number {
  return value && value > 0 ? Math.min(Math.round(value), limits.minutes) : 0;
}

/** At most the sections and lines a recipe may hold: extra sections join the last one kept. */
function capSections(sections: Array<{ name: string; ingredients: Ingredient[] }>) {
  const kept = sections.slice(0, limits.sections);
  const last = kept.at(-1);
  if (last) for (const s of sections.slice(limits.sections)) last.ingredients.push(...s.ingredients);
  for (const s of kept) s.ingredients = s.ingredients.slice(0, limits.ingredientsPerSection);
  return kept;
}

/** At most the steps a recipe may hold, each within the length of a step: the rest joins the last. */
function capSteps(steps: string[]): string[] {
  const kept = steps.slice(0, limits.steps);
  if (steps.length > limits.steps) kept[kept.length - 1] = steps.slice(limits.steps - 1).join(' ');
  return kept.map((s) => fitText(s, limits.stepText));
}

/** Normalised labels (the form recipe tags and cuisines take), deduplicated, within bounds. */
function labels(values: readonly string[], bounds: { min: number; max: number }, count: number): string[] {
  const out = new Set<string>();
  for (const v of values) {
    const label = kebab(v);
    if (label.length >= bounds.min && label.length <= bounds.max) out.add(label);
  }
  return [...out].slice(0, count);
}

/** Words of a page's recipeCategory that name one of our meal types. */
const mealWords: Array<[RegExp, MealType]> = [
  [/\b(breakfast|brunch)\b/, 'breakfast'],
  [/\blunch\b/, 'lunch'],
  [/\b(dinner|supper|mains?|main course|main dish|entr[eé]es?)\b/, 'dinner'],
  [/\b(desserts?|puddings?|sweets)\b/, 'dessert'],
  [/\b(snacks?|appeti[sz]ers?)\b/, 'snack'],
  [/\b(drinks?|beverages?|cocktails?|smoothies?)\b/, 'drink'],
  [/\b(sides?|side dish(es)?)\b/, 'side'],
];

export function mealTypesOf(categories: readonly string[]): MealType[] {
  const found = new Set<MealType>();
  for (const c of categories) for (const [words, meal] of mealWords) if (words.test(c.toLowerCase())) found.add(meal);
  return mealTypes.filter((m) => found.has(m));
}

/** schema.org diets ("https://schema.org/VeganDiet") and labels the page gives ("Gluten free"). */
const dietWords: Array<[RegExp, DietaryFlag]> = [
  [/^vegan(diet)?$/, 'vegan'],
  [/^vegetarian(diet)?$/, 'vegetarian'],
  [/^glutenfree(diet)?$/, 'gluten-free'],
  [/^(dairyfree|lactosefree)(diet)?$/, 'dairy-free'],
  [/^nutfree(diet)?$/, 'nut-free'],
];

export function dietsOf(values: readonly string[]): DietaryFlag[] {
  const found = new Set<DietaryFlag>();
  for (const v of values) {
    const word = v
      .replace(/^https?:\/\/schema\.org\//i, '')
      .toLowerCase()
      .replace(/[^a-z]/g, '');
    for (const [pattern, flag] of dietWords) if (pattern.test(word)) found.add(flag);
  }
  return dietaryFlags.filter((f) => found.has(f));
}

/**
 * Pasted plain text as a page for the same parser: the first line is the title (an h1), a short
 * line that reads as a label ("Ingredients", "Method:") a heading, every other line a paragraph.
 */
export function textToHtml(text: string): string {
  const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trim());
  const title = lines.find(Boolean) ?? '';
  const body: string[] = [];
  let seenTitle = false;
  for (const line of lines) {
    if (!line) continue;
    if (!seenTitle && line === title) {
      seenTitle = true;
      continue;
    }
    const label = line.length <= 40 && /^[\p{L}\s&/-]+:?$/u.test(line) && line.split(/\s+/).length <= 4;
    body.push(label ? `<h2>${escapeHtml(line.replace(/:$/, ''))}</h2>` : `<p>${escapeHtml(line)}</p>`);
  }
  return `<!doctype html><html><head><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>\n${body.join('\n')}</body></html>`;
}
