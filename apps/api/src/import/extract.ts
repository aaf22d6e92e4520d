import { selectAll } from 'css-select';
import type { AnyNode, Document, Element } from 'domhandler';
import { getAttributeValue, textContent } from 'domutils';
import { parseDocument } from 'htmlparser2';
import { cleanText, cleanYield, durationMinutes, textLines } from './clean.ts';

/**
 * A recipe read from a page: schema.org `Recipe` from JSON-LD, then microdata and RDFa, then
 * the page's own markup (recipe-card plugins, headings over lists) for what those left out.
 * General rules only: the importer meets sites it has never seen.
 */
export interface ExtractedRecipe {
  title: string;
  description: string;
  /** Ingredient lines as written, in sections when the page has them. */
  ingredientSections: Array<{ name: string; lines: string[] }>;
  /** Steps, in sections when the page has them. */
  stepSections: Array<{ name: string; steps: string[] }>;
  totalMinutes: number | null;
  prepMinutes: number | null;
  cookMinutes: number | null;
  yields: string | null;
  image: string | null;
  cuisines: string[];
  categories: string[];
  keywords: string[];
  /** Diets the page declares (schema.org suitableForDiet, e.g. "VeganDiet"). */
  diets: string[];
  canonicalUrl: string | null;
  siteName: string | null;
  /** Where each part came from, for the importer's report. */
  sources: Partial<Record<'title' | 'ingredients' | 'instructions', 'json-ld' | 'microdata' | 'page'>>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export function extractRecipe(html: string, pageUrl: string): ExtractedRecipe {
  const doc = parseDocument(html, { decodeEntities: true });
  const page = indexPage(doc);
  const base = baseUrl(page, pageAddress(pageUrl));
  const out: ExtractedRecipe = {
    title: '',
    description: '',
    ingredientSections: [],
    stepSections: [],
    totalMinutes: null,
    prepMinutes: null,
    cookMinutes: null,
    yields: null,
    image: null,
    cuisines: [],
    categories: [],
    keywords: [],
    diets: [],
    canonicalUrl: absolute(page.canonical ?? '', base),
    siteName: meta(page, 'og:site_name'),
    sources: {},
  };

  // The page's own share image is the one its author picked to stand for the recipe.
  const shared = meta(page, 'og:image') ?? meta(page, 'twitter:image');
  if (shared) out.image = absolute(shared, base);
  const ld = jsonLdRecipe(page);
  if (ld) fill(out, fromSchema(ld, base), 'json-ld');
  // Microdata too when JSON-LD packed all ingredients into one string (or left some out).
  if (page.scopes.length > 0 && (!complete(out) || countLines(out.ingredientSections) <= 1)) {
    const micro = microdataRecipe(page);
    if (micro) fill(out, fromSchema(micro, base), 'microdata');
  }
  // Ingredient properties with no Recipe item around them (or outside it).
  if (countLines(out.ingredientSections) <= 1 && page.ingredientProps.length >= 3) {
    const lines = page.ingredientProps.flatMap((el) => textLines(String(propertyValue(el))));
    fill(out, { ingredientSections: [{ name: '', lines }] }, 'microdata');
  }
  // Step properties outside the Recipe item (a page closing the item's element early).
  if (countSteps(out.stepSections) === 0 && page.instructionProps.length > 0) {
    const props = new Set(page.instructionProps);
    const inside = (el: Element) => {
      for (let n = el.parent as Element | null; n && n.type === 'tag'; n = n.parent as Element | null)
        if (props.has(n)) return true;
      return false;
    };
    const outermost = page.instructionProps.filter((el) => !inside(el));
    const values = outermost.map((el) => (el.attribs.itemscope !== undefined ? readItem(el) : propertyValue(el)));
    fill(out, { stepSections: stepsOf(values) }, 'microdata');
  }
  // The page's markup is searched only for what the structured data left out: those
  // searches walk the whole document several times, most of the parse cost on big pages.
  if (!complete(out) || countLines(out.ingredientSections) <= 1 || out.yields === null || out.totalMinutes === null)
    fill(out, fromPage(doc, page, out), 'page');
  return out;
}

function complete(r: ExtractedRecipe): boolean {
  return Boolean(r.title) && countLines(r.ingredientSections) > 0 && countSteps(r.stepSections) > 0;
}

/** What the extractor looks up more than once, gathered in one walk over the document. */
interface PageIndex {
  metas: Map<string, string>;
  canonical: string | null;
  baseHref: string | null;
  title: string;
  h1: Element[];
  ldJson: string[];
  /** Elements that open a microdata or RDFa item (itemtype, typeof, vocab). */
  scopes: Element[];
  /** Ingredient properties, wherever they are (some pages mark them outside any item). */
  ingredientProps: Element[];
  /** Instruction properties, wherever they are. */
  instructionProps: Element[];
  /** Every class name on the page, so that a card's selector is run only where it can match. */
  classes: Set<string>;
}

function indexPage(doc: Document): PageIndex {
  const page: PageIndex = {
    metas: new Map(),
    canonical: null,
    baseHref: null,
    title: '',
    h1: [],
    ldJson: [],
    scopes: [],
    ingredientProps: [],
    instructionProps: [],
    classes: new Set(),
  };
  const walk = (node: AnyNode) => {
    for (const child of (node as Element).children ?? []) {
      if (child.type !== 'tag' && child.type !== 'script' && child.type !== 'style') continue;
      const el = child as Element;
      const a = el.attribs;
      switch (el.name) {
        case 'meta': {
          const key = (a.property ?? a.name ?? '').toLowerCase();
          const content = a.content?.trim();
          if (key && content && !page.metas.has(key)) page.metas.set(key, content);
          break;
        }
        case 'link':
          if (a.rel?.toLowerCase() === 'canonical' && a.href && page.canonical === null) page.canonical = a.href;
          break;
        case 'base':
          if (a.href && page.baseHref === null) page.baseHref = a.href;
          break;
        case 'title':
          if (!page.title) page.title = textContent(el);
          break;
        case 'h1':
          page.h1.push(el);
          break;
        case 'script':
          if ((a.type ?? '').toLowerCase().includes('ld+json')) page.ldJson.push(textContent(el));
          continue;
        case 'style':
          continue;
      }
      if (a.class) for (const name of a.class.split(/\s+/)) page.classes.add(name);
      if (a.itemtype !== undefined || a.typeof !== undefined || a.vocab !== undefined) page.scopes.push(el);
      if (a.itemprop && /(^|\s)(recipeIngredient|ingredients)(\s|$)/.test(a.itemprop)) page.ingredientProps.push(el);
      if (a.itemprop && /(^|\s)recipeInstructions(\s|$)/.test(a.itemprop)) page.instructionProps.push(el);
      walk(el);
    }
  };
  walk(doc);
  return page;
}

/** Copies what `from` has into what `into` still lacks. */
function fill(into: ExtractedRecipe, from: Partial<ExtractedRecipe>, source: 'json-ld' | 'microdata' | 'page') {
  // A title says something in words ("2" is a count some pages put in `name`).
  if (!into.title && from.title && /\p{L}/u.test(from.title)) {
    into.title = from.title;
    into.sources.title = source;
  }
  if (!into.description && from.description) into.description = from.description;
  const have = countLines(into.ingredientSections);
  const offered = from.ingredientSections ? countLines(from.ingredientSections) : 0;
  if (from.ingredientSections && (have === 0 ? offered > 0 : have === 1 && offered >= 3)) {
    into.ingredientSections = from.ingredientSections.map((x) => ({ name: x.name, lines: tidyLines(x.lines) }));
    into.sources.ingredients = source;
  }
  if (countSteps(into.stepSections) === 0 && from.stepSections && countSteps(from.stepSections) > 0) {
    // "Step 2" or "2" alone on a line is the page's numbering, not a step.
    const numbering = /^((step|étape|schritt|paso|stap|passo|krok|trin|steg)\s*)?\d+[.:)]?$/i;
    // "STEP 1 | Preheat…": the numbering in front of the step is the page's too.
    const prefix = /^(step|étape|schritt|paso|stap|passo|krok|trin|steg)\s*\d+\s*[|:.)–-]\s+(?=\S)/i;
    // "Method" alone: the section's label marked as the instructions, not a step.
    const label = (t: string) => t.split(/\s+/).length <= 2 && stepsHeading.test(t.replace(/[:：.]\s*$/, ''));
    const sections = from.stepSections
      .map((x) => ({
        name: x.name,
        steps: withoutRepeat(x.steps.filter((t) => !numbering.test(t) && !label(t)).map((t) => t.replace(prefix, ''))),
      }))
      .filter((x) => x.steps.length > 0);
    into.stepSections = withoutRepeat(sections, (x) => JSON.stringify(x));
    into.sources.instructions = source;
  }
  for (const key of ['totalMinutes', 'prepMinutes', 'cookMinutes', 'yields', 'image'] as const) {
    if (into[key] === null && from[key] != null) (into as unknown as Record<string, unknown>)[key] = from[key];
  }
  for (const key of ['cuisines', 'categories', 'keywords', 'diets'] as const) {
    if (into[key].length === 0 && from[key]?.length) into[key] = from[key];
  }
}

/**
 * Ingredient lines as a reader sees them: list bullets dropped, one line per ingredient when
 * a page packed several into one with dashes or bullets, and a list repeated (a print copy of
 * the card) read once.
 */
function tidyLines(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const parts = /^[-–•*·▪]\s/.test(line) && /\s[-–•·▪]\s/.test(line.slice(2)) ? line.split(/\s[-–•·▪]\s/) : [line];
    for (const part of parts) {
      const text = part.replace(/^[-–•*·▪✓✔☐□]+\s*/, '').trim();
      // "For the sauce:" among the lines is a group's name, not an ingredient.
      if (/^[^\d]{1,40}:$/.test(text)) continue;
      if (text) out.push(text);
    }
  }
  return withoutRepeat(out);
}

/** A list whose second half repeats its first (a page carrying the card twice), once. */
function withoutRepeat<T>(list: T[], key: (x: T) => unknown = (x) => x): T[] {
  const half = list.length / 2;
  if (list.length >= 2 && Number.isInteger(half) && list.slice(0, half).every((x, i) => key(x) === key(list[half + i]!)))
    return list.slice(0, half);
  return list;
}

const countLines = (s: ExtractedRecipe['ingredientSections']) => s.reduce((n, x) => n + x.lines.length, 0);
const countSteps = (s: ExtractedRecipe['stepSections']) => s.reduce((n, x) => n + x.steps.length, 0);

// ---------------------------------------------------------------------------------------
// schema.org Recipe (from JSON-LD, microdata or RDFa) → our fields

function fromSchema(r: JsonObject, base: string): Partial<ExtractedRecipe> {
  const total = durationMinutes(first(r.totalTime));
  const prep = durationMinutes(first(r.prepTime));
  const cook = durationMinutes(first(r.cookTime) ?? first(r.performTime));
  const description = cleanText(first(r.description));
  const steps = stepsOf(r.recipeInstructions);
  // Instructions that only repeat the description are a template's filler, not the method.
  const filler = description && countSteps(steps) === 1 && steps[0]!.steps[0] === description;
  return {
    title: cleanText(first(r.name) ?? first(r.headline)),
    description,
    ingredientSections: ingredientsOf(r.recipeIngredient ?? r.ingredients),
    stepSections: filler ? [] : steps,
    totalMinutes: total ?? (prep !== null || cook !== null ? (prep ?? 0) + (cook ?? 0) : null),
    prepMinutes: prep,
    cookMinutes: cook,
    yields: cleanYield(r.recipeYield ?? r.yield),
    image: imageOf(r.image, base) ?? imageOf(r.thumbnailUrl, base),
    cuisines: listOf(r.recipeCuisine),
    categories: listOf(r.recipeCategory),
    keywords: listOf(r.keywords),
    diets: listOf(r.suitableForDiet).map((d) => d.replace(/^https?:\/\/schema\.org\//, '')),
  };
}

function first(value: Json | undefined): Json | undefined {
  if (Array.isArray(value)) return value.find((v) => v !== null && v !== '') ?? undefined;
  if (value && typeof value === 'object' && '@value' in value) return value['@value'];
  return value ?? undefined;
}

/** Comma-separated strings, arrays, or objects with a name. */
function listOf(value: Json | undefined): string[] {
  const items = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  const out: string[] = [];
  for (const item of items) {
    const text = typeof item === 'object' && item !== null && !Array.isArray(item) ? (item.name ?? item['@value']) : item;
    for (const part of cleanText(text).split(',')) {
      const t = part.trim();
      if (t && !out.includes(t)) out.push(t);
    }
  }
  return out;
}

function ingredientsOf(value: Json | undefined): ExtractedRecipe['ingredientSections'] {
  if (value === undefined || value === null) return [];
  const lines: string[] = [];
  const sections: ExtractedRecipe['ingredientSections'] = [];
  const walk = (v: Json) => {
    if (typeof v === 'string') {
      for (const line of v.includes('\n') || /<(br|li|p)\b/i.test(v) ? textLines(v) : [cleanText(v)]) if (line) lines.push(line);
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x);
    } else if (v && typeof v === 'object') {
      if (Array.isArray(v.itemListElement) || Array.isArray(v.recipeIngredient)) {
        sections.push({
          name: cleanText(v.name),
          lines: ingredientsOf(v.itemListElement ?? v.recipeIngredient).flatMap((s) => s.lines),
        });
      } else {
        const text = cleanText(v.text ?? v.name ?? v['@value']);
        if (text) lines.push(text);
      }
    }
  };
  walk(value);
  if (sections.length === 0) return lines.length ? [{ name: '', lines }] : [];
  return lines.length ? [{ name: '', lines }, ...sections] : sections;
}

function stepsOf(value: Json | undefined): ExtractedRecipe['stepSections'] {
  if (value === undefined || value === null) return [];
  const sections: ExtractedRecipe['stepSections'] = [];
  let current: { name: string; steps: string[] } = { name: '', steps: [] };
  sections.push(current);
  const walk = (v: Json, inSection: boolean) => {
    if (typeof v === 'string') {
      current.steps.push(...textLines(v));
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x, inSection);
    } else if (v && typeof v === 'object') {
      const type = types(v);
      // Microdata sections nested in sections carry their steps as recipeInstructions.
      const children = v.itemListElement ?? v.steps ?? v.recipeInstructions;
      const name = cleanText(v.name);
      if ((type.includes('howtosection') || (!v.text && children)) && (!inSection || name) && children) {
        current = { name, steps: [] };
        sections.push(current);
        walk(children, true);
      } else if (children && !v.text) {
        walk(children, inSection);
      } else {
        const text = v.text ?? v.description ?? v.name ?? v['@value'];
        // A step's name is its own heading ("Make the sauce") unless it only repeats the
        // beginning of its text, as many pages do.
        const heading = name.replace(/[.…]+$/, '');
        if (heading && typeof v.text === 'string' && !cleanText(v.text).startsWith(heading)) current.steps.push(heading);
        if (typeof text === 'string') current.steps.push(...textLines(text));
      }
    }
  };
  walk(value, false);
  const kept = sections.filter((s) => s.steps.length > 0);
  // A step that only repeats a section's name is its heading.
  return kept;
}

function imageOf(value: Json | undefined, base: string): string | null {
  const images: Array<{ url: string; area: number }> = [];
  const walk = (v: Json | undefined) => {
    if (typeof v === 'string') {
      if (v.trim()) images.push({ url: v.trim(), area: 0 });
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x);
    } else if (v && typeof v === 'object') {
      const url = first(v.url) ?? first(v.contentUrl) ?? first(v['@id']);
      if (typeof url === 'string' && url.trim()) {
        images.push({ url: url.trim(), area: Number(first(v.width) ?? 0) * Number(first(v.height) ?? 0) || 0 });
      }
    }
  };
  walk(value);
  if (images.length === 0) return null;
  // The largest one the page says the size of; else the first.
  const best = images.reduce((a, b) => (b.area > a.area ? b : a), images[0]!);
  return absolute(best.url, base);
}

function types(v: JsonObject): string[] {
  const t = v['@type'] ?? v.type;
  const list = Array.isArray(t) ? t : [t];
  return list
    .filter((x): x is string => typeof x === 'string')
    .map((x) =>
      x
        .replace(/^https?:\/\/schema\.org\//i, '')
        .replace(/^schema:/i, '')
        .toLowerCase(),
    );
}

// ---------------------------------------------------------------------------------------
// JSON-LD

function jsonLdRecipe(page: PageIndex): JsonObject | null {
  const found: JsonObject[] = [];
  for (const script of page.ldJson) {
    const data = lenientJson(script);
    if (data !== undefined) collectRecipes(data, found, 0);
  }
  // The one with the most to say, when a page carries several (a teaser and the recipe).
  return found.sort((a, b) => richness(b) - richness(a))[0] ?? null;
}

function richness(r: JsonObject): number {
  const n = (v: Json | undefined) => (Array.isArray(v) ? v.length : v ? 1 : 0);
  return n(r.recipeIngredient ?? r.ingredients) * 2 + n(r.recipeInstructions) + (r.name ? 1 : 0);
}

function collectRecipes(v: Json, out: JsonObject[], depth: number) {
  if (depth > 8 || v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    for (const x of v) collectRecipes(x, out, depth + 1);
    return;
  }
  if (types(v).includes('recipe')) out.push(v);
  for (const [key, value] of Object.entries(v)) {
    if (
      key === '@graph' ||
      key === 'mainEntity' ||
      key === 'mainEntityOfPage' ||
      key === 'itemListElement' ||
      key === 'item' ||
      key === 'hasPart' ||
      key === 'about'
    ) {
      collectRecipes(value, out, depth + 1);
    }
  }
}

// Raw control characters (newlines, tabs) that pages leave inside JSON strings.
const controlCharacters = new RegExp(`[${String.fromCharCode(0)}-${String.fromCharCode(31)}]+`, 'g');

/** JSON as pages write it: with comments, CDATA or a semicolon around it, raw newlines in strings, trailing commas. */
function lenientJson(text: string): Json | undefined {
  const trimmed = text
    .trim()
    .replace(/^<!--|-->$/g, '')
    .replace(/^\/\*<!\[CDATA\[\*\/|\/\*\]\]>\*\/$/g, '')
    .replace(/^<!\[CDATA\[|\]\]>$/g, '')
    .trim()
    // A statement's semicolon after the object, as if it were script.
    .replace(/;+$/, '');
  try {
    return JSON.parse(trimmed) as Json;
  } catch {
    try {
      // Raw control characters inside strings, and trailing commas.
      const repaired = trimmed.replace(controlCharacters, ' ').replace(/,\s*([}\]])/g, '$1');
      return JSON.parse(repaired) as Json;
    } catch {
      return undefined;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Microdata and RDFa, read into the same shape as JSON-LD

function microdataRecipe(page: PageIndex): JsonObject | null {
  const scopes = page.scopes.filter((e) =>
    /(^|[\s/:])recipe(\s|$)/i.test(`${getAttributeValue(e, 'itemtype') ?? ''} ${getAttributeValue(e, 'typeof') ?? ''}`),
  );
  let best: JsonObject | null = null;
  for (const scope of scopes) {
    const item = readItem(scope);
    if (!best || richness(item) > richness(best)) best = item;
  }
  return best;
}

/** The properties of one item scope, its nested scopes read as objects. */
function readItem(scope: Element): JsonObject {
  const microdata = scope.attribs.itemscope !== undefined || scope.attribs.itemtype !== undefined;
  const item: JsonObject = { '@type': getAttributeValue(scope, 'itemtype') ?? getAttributeValue(scope, 'typeof') ?? '' };
  const visit = (node: AnyNode) => {
    for (const child of (node as Element).children ?? []) {
      if (child.type !== 'tag' && child.type !== 'script') continue;
      const el = child as Element;
      const names = (getAttributeValue(el, 'itemprop') ?? getAttributeValue(el, 'property') ?? '')
        .split(/\s+/)
        .map((p) => p.replace(/^https?:\/\/schema\.org\//i, '').replace(/^schema:/i, ''))
        .filter(Boolean);
      // A microdata item nests at itemscope only and an RDFa one at typeof only: pages mix
      // both, and an RDFa `typeof` wrapper inside a microdata Recipe must not hide its props.
      const nested = microdata ? el.attribs.itemscope !== undefined : el.attribs.typeof !== undefined;
      if (names.length) {
        let value: Json = nested ? readItem(el) : propertyValue(el);
        // An ingredient's name marked inside its line ("<li>2 tbsp <span itemprop=…>oil</span>"): the line.
        const line = names.some((n) => /ingredient/i.test(n)) && el.name !== 'li' ? enclosingItem(el) : null;
        if (line && typeof value === 'string') value = textWithBreaks(line);
        for (const name of names) {
          const existing = item[name];
          item[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
        }
      }
      if (!nested) visit(el);
    }
  };
  visit(scope);
  for (const multi of ['recipeIngredient', 'ingredients', 'recipeInstructions']) {
    const v = item[multi];
    if (v !== undefined && !Array.isArray(v)) item[multi] = [v];
  }
  return item;
}

function enclosingItem(el: Element): Element | null {
  let node = el.parent as Element | null;
  for (let depth = 0; node && depth < 3; depth++, node = node.parent as Element | null) {
    if (node.type !== 'tag') return null;
    if (node.name === 'li') return node;
    if (node.attribs.itemprop || node.attribs.itemscope !== undefined) return null;
  }
  return null;
}

function propertyValue(el: Element): Json {
  const attr = (name: string) => getAttributeValue(el, name);
  const content = attr('content') ?? attr('datetime');
  if (content !== undefined) return content;
  if (el.name === 'meta') return attr('content') ?? '';
  if (el.name === 'img' || el.name === 'source') return attr('src') ?? attr('data-src') ?? '';
  if (el.name === 'a' || el.name === 'link') return attr('href') ?? '';
  if (el.name === 'time') return attr('datetime') ?? textContent(el);
  // Keep the element's line breaks when it holds a list (items, paragraphs, <br>); else it is
  // one value, though its parts sit in blocks ("Info" above "6 oz. Linguine").
  const text = textWithBreaks(el);
  return holdsLines(el) ? text : text.replace(/\n+/g, ' ');
}

function holdsLines(el: Element): boolean {
  const children = (el.children ?? []).filter((c): c is Element => c.type === 'tag');
  if (children.filter((c) => blockTags.has(c.name)).length >= 2) return true;
  return children.some((c) => ['li', 'p', 'br', 'ul', 'ol'].includes(c.name) || holdsLines(c));
}

// ---------------------------------------------------------------------------------------
// The page itself: recipe-card plugins, then headings over lists

const cardIngredients = [
  '.wprm-recipe-ingredient',
  '.tasty-recipes-ingredients li',
  '.tasty-recipe-ingredients li',
  '.mv-create-ingredients li',
  '.recipe-ingredients li',
  '.ingredients li',
  '.ingredient-list li',
  '[class*="ingredient"] li',
];
const cardSteps = [
  '.wprm-recipe-instruction-text',
  '.tasty-recipes-instructions li',
  '.tasty-recipe-instructions li',
  '.mv-create-instructions li',
  '.recipe-instructions li',
  '.instructions li',
  '.directions li',
  '.method li',
  '[class*="instruction"] li',
  '[class*="direction"] li',
  '[class*="method"] li',
];

function fromPage(doc: Document, page: PageIndex, have: ExtractedRecipe): Partial<ExtractedRecipe> {
  const found: Partial<ExtractedRecipe> = {};
  if (!have.title) found.title = pageTitle(page);
  if (!have.description) found.description = cleanText(meta(page, 'og:description') ?? meta(page, 'description'));
  let lines: PageLine[] | null = null;
  const read = () => (lines ??= pageLines(doc));
  if (have.yields === null) found.yields = pageYield(read());
  if (have.totalMinutes === null) Object.assign(found, pageTimes(read()));
  // One line of ingredients is a list packed into a string, or a teaser: the page may list them.
  if (countLines(have.ingredientSections) <= 1) {
    const lines_ =
      firstMatch(doc, page, cardIngredients, ingredientsOk) ??
      underLabel(read(), ingredientsHeading, stepsHeading, ingredientsOk, 'ingredients') ??
      checkboxRows(doc) ??
      amountLists(read());
    if (lines_?.length) found.ingredientSections = [{ name: '', lines: lines_ }];
  }
  if (countSteps(have.stepSections) === 0) {
    // Steps must read as sentences: menus and share buttons also sit in lists near a recipe.
    const stepsOk = (steps: string[]) => distinct(steps) && steps.filter(steplike).length >= steps.length / 2;
    const steps =
      firstMatch(doc, page, cardSteps, stepsOk) ??
      underLabel(read(), stepsHeading, otherHeading, stepsOk, 'steps') ??
      afterIngredients(read(), have.ingredientSections[0]?.lines ?? found.ingredientSections?.[0]?.lines ?? [], stepsOk);
    if (steps?.length) found.stepSections = [{ name: '', steps }];
  }
  return found;
}

/**
 * Steps with no label of their own: the lines right after the last ingredient, when they read
 * as sentences (a list of ingredients, a rule or a "Here's how" line, then the method).
 */
function afterIngredients(lines: PageLine[], ingredients: string[], accept: (found: string[]) => boolean): string[] | null {
  const last = ingredients[ingredients.length - 1];
  if (!last) return null;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i]!.text !== last) continue;
    const found: string[] = [];
    let listMode: boolean | null = null;
    for (let j = i + 1; j < lines.length && found.length < 60; j++) {
      const line = lines[j]!;
      if (isLabel(line, otherHeading) || isLabel(line, ingredientsHeading)) break;
      if (line.heading > 0) {
        if (found.length > 0) break;
        continue;
      }
      if (listMode === null) listMode = line.item !== null;
      if (listMode !== (line.item !== null) || !steplike(line.text)) break;
      found.push(line.text);
    }
    return found.length > 0 && accept(found) ? found : null;
  }
  return null;
}

const yieldLabel =
  /^(serves|servings?|yields?|makes|portions?|porties|personen|personnes|portionen|porciones|porções|rendimento|antal|porcje|porce|adag|for)\b\s*[:：]?\s*/i;

/**
 * The yield as the page prints it: "Serves: 4", "Makes 12", "Servings" over "6", "4 servings".
 * Numbers over 100 are something else (a calorie count, a year).
 */
function pageYield(lines: PageLine[]): string | null {
  const ok = (text: string) => /\d/.test(text) && text.length <= 40 && Number(/\d+/.exec(text)![0]) <= 100;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.text.replace(/^[^\p{L}\d]+/u, '');
    const label = yieldLabel.exec(text);
    if (label) {
      const rest = text.slice(label[0].length);
      // "Serves 4", "Servings: 4-6" (not "Makes a great gift for 4 friends").
      if (/^\d/.test(rest) && ok(rest)) return text;
      const next = lines[i + 1]?.text ?? '';
      if (!rest && /^\d[\d\s–-]*$/.test(next) && ok(next)) return `${text.replace(/[:：]\s*$/, '')} ${next}`;
    } else if (
      /^\d+(\s*[-–]\s*\d+)?\s+(servings?|portions?|people|personnes|personen|porties|porciones)$/i.test(text) &&
      ok(text)
    ) {
      return text;
    }
  }
  return null;
}

const timeLabels = {
  total:
    /^(total( time)?|ready in|time|gesamtzeit|temps total|tiempo total|tempo total|totale tijd|tempo de preparo|tid i alt|total tid|czas całkowity)\s*[:=|]?\s*/i,
  prep: /^(prep(aration)?( time)?|vorbereitung(szeit)?|temps de préparation|tiempo de preparación|voorbereidingstijd|forberedelse)\s*[:=|]?\s*/i,
  cook: /^(cook(ing)? time|bak(e|ing) time|kochzeit|backzeit|garzeit|temps de cuisson|tiempo de cocción|kooktijd|baktijd|tilberedningstid)\s*[:=|]?\s*/i,
};

/**
 * Times as the page prints them ("Total Time: 20 minutes", "Prep time = 10 mins", a label over
 * its value): the total, else preparation and cooking added up.
 */
function pageTimes(lines: PageLine[]): Pick<ExtractedRecipe, 'totalMinutes' | 'prepMinutes' | 'cookMinutes'> | null {
  const found: Partial<Record<keyof typeof timeLabels, number>> = {};
  const value = (text: string | undefined) => (text && text.length <= 30 && /\d/.test(text) ? durationMinutes(text) : null);
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.text.replace(/^[^\p{L}\d]+/u, '');
    if (text.length > 60) continue;
    for (const key of ['total', 'prep', 'cook'] as const) {
      const label = timeLabels[key].exec(text);
      if (!label || found[key] !== undefined) continue;
      const rest = text.slice(label[0].length);
      const minutes = rest ? (/^\d/.test(rest) ? value(rest) : null) : value(lines[i + 1]?.text);
      if (minutes !== null) found[key] = minutes;
      break;
    }
    if (found.total !== undefined) break;
  }
  const prep = found.prep ?? null;
  const cook = found.cook ?? null;
  const total = found.total ?? (prep !== null || cook !== null ? (prep ?? 0) + (cook ?? 0) : null);
  return total === null ? null : { totalMinutes: total, prepMinutes: prep, cookMinutes: cook };
}

/** The lines of the first selector that matches anything. */
function firstMatch(doc: Document, page: PageIndex, selectors: string[], accept: (found: string[]) => boolean): string[] | null {
  for (const selector of selectors) {
    if (!mayMatch(page, selector)) continue;
    const lines = linesOf(doc, selector);
    if (lines.length > 0 && accept(lines)) return lines;
  }
  return null;
}

/** Whether the class a selector starts with (".x li", "[class*=x] li") is on the page at all. */
function mayMatch(page: PageIndex, selector: string): boolean {
  const exact = /^\.([\w-]+)/.exec(selector);
  if (exact) return page.classes.has(exact[1]!);
  const part = /^\[class\*="([^"]+)"\]/.exec(selector);
  if (part) {
    for (const name of page.classes) if (name.includes(part[1]!)) return true;
    return false;
  }
  return true;
}

/**
 * The heading the page's own title names (a <title> of "Banh Mi | Tofoo" and an <h1> "Banh
 * Mi"), else that title without the site's name after a separator, else the first heading.
 */
function pageTitle(page: PageIndex): string {
  const titled = [meta(page, 'og:title'), page.title].map(cleanText).find((t) => /\p{L}/u.test(t)) ?? '';
  const headings = page.h1.map(blockText).filter((h) => h.length >= 2 && h.length <= 150);
  const named = headings.filter((h) => titled.toLowerCase().includes(h.toLowerCase())).sort((a, b) => b.length - a.length)[0];
  if (named) return named;
  const withoutSite = titled.split(/\s+[|–—-]\s+/)[0]!.trim();
  return withoutSite || headings[0] || '';
}

function linesOf(doc: Document, selector: string): string[] {
  return all(selector, doc).flatMap((el) => {
    const lines = textLines(textWithBreaks(el));
    if (el.name !== 'li') return lines;
    // An item holding a list of its own is a group ("Seasonings"): its items are read one by one.
    if (hasNestedItem(el)) return [];
    // A list item is one ingredient or step, though cards set its parts in blocks ("Info",
    // "6 oz. Linguine"); a number set apart is the list's own numbering.
    const text = lines.filter((l) => !/^(step\s*)?\d+[.)]?$/i.test(l)).join(' ');
    return text ? [text] : [];
  });
}

function hasNestedItem(el: Element): boolean {
  return (el.children ?? []).some((c) => c.type === 'tag' && ((c as Element).name === 'li' || hasNestedItem(c as Element)));
}

const ingredientsHeading =
  /^(ingredients?|what you[’']?ll need|you[’']?ll need|you will need|zutaten|ingrédients|ingredientes|ingrediënten|ingredienti|ingredienser|suroviny|składniki)\b/i;
const stepsHeading =
  /^((cooking|recipe|baking) )?(instructions?|directions?|method|preparation|steps|(here[’']?s )?how to make( it)?|zubereitung|préparation|preparación|elaboración|modo de preparo|preparazione|bereiding|procedimento|fremgangsmåde|postup|przygotowanie|gör så här|tilberedning)\b(?![\s-]*(time|tijd|zeit|tid|temps|tiempo)\b)/i;
/** A note after the steps ("NOTE | …", "Tip: …"). */
const noteLine = /^(notes?|tips?)\s*[|:]/i;
/** What ends a method: notes, tips, nutrition, serving suggestions. */
const otherHeading = /^(notes?|tips?|nutrition|serving suggestions?|video|storage|faq|equipment|you may also like|related)\b/i;

/** One line of the page as a reader sees it, with what kind of block it sits in. */
interface PageLine {
  text: string;
  /** 1–6 for h1–h6; 7 for a short line set in bold (a label); 0 for body text. */
  heading: number;
  /** The list item the line belongs to, if any. */
  item: Element | null;
  /** Set in bold throughout, whatever its length. */
  bold: boolean;
  /** A link's text throughout ("Print Recipe"). */
  link: boolean;
}

/** Tags whose content is never part of a recipe's text. */
const skippedTags = new Set([
  'script',
  'style',
  'noscript',
  'svg',
  'nav',
  'header',
  'footer',
  'form',
  'button',
  'select',
  'template',
  'iframe',
  'aside',
]);
const lineBlockTags = new Set([
  'p',
  'div',
  'li',
  'tr',
  'dt',
  'dd',
  'section',
  'article',
  'main',
  'ul',
  'ol',
  'table',
  'blockquote',
  'figure',
  'figcaption',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'span-block',
]);

/** The page's text as lines, broken where the markup breaks them (blocks, br), in reading order. */
function pageLines(doc: Document): PageLine[] {
  const lines: PageLine[] = [];
  let buffer = '';
  let bold = 0;
  let heading = 0;
  let item: Element | null = null;
  let boldDepth = 0;
  let linked = 0;
  let linkDepth = 0;
  const flush = () => {
    const text = cleanText(buffer);
    if (text) {
      const size = text.replace(/\s/g, '').length;
      const strong = bold >= size * 0.9;
      const label = heading || (strong && text.length <= 60 ? 7 : 0);
      lines.push({ text, heading: label, item, bold: strong, link: linked >= size * 0.9 });
    }
    buffer = '';
    bold = 0;
    linked = 0;
  };
  const walk = (node: AnyNode) => {
    for (const child of (node as Element).children ?? []) {
      if (child.type === 'text') {
        const data = (child as unknown as { data: string }).data;
        buffer += data;
        if (boldDepth > 0) bold += data.replace(/\s/g, '').length;
        if (linkDepth > 0) linked += data.replace(/\s/g, '').length;
        continue;
      }
      if (child.type !== 'tag') continue;
      const el = child as Element;
      if (skippedTags.has(el.name) || el.attribs.hidden !== undefined) continue;
      if (el.name === 'br') {
        // A list item is one line though it wraps ("2 scoops Isopure<br>Protein Powder").
        if (item) buffer += ' ';
        else flush();
        continue;
      }
      const block = lineBlockTags.has(el.name);
      if (!block) {
        // A table's row is one line ("150ml | red wine"), its cells apart.
        if (el.name === 'td' || el.name === 'th') buffer += ' ';
        const strong = el.name === 'strong' || el.name === 'b' || /font-weight:\s*(bold|[6-9]00)/i.test(el.attribs.style ?? '');
        if (strong) boldDepth++;
        if (el.name === 'a') linkDepth++;
        walk(el);
        if (strong) boldDepth--;
        if (el.name === 'a') linkDepth--;
        continue;
      }
      flush();
      if (el.name === 'table') {
        const pairs = headedTable(el);
        if (pairs) {
          for (const text of pairs) lines.push({ text, heading: 0, item: null, bold: false, link: false });
          continue;
        }
      }
      const saved = { heading, item };
      if (/^h[1-6]$/.test(el.name)) heading = Number(el.name[1]);
      if (el.name === 'li' || el.name === 'tr') item = el;
      walk(el);
      flush();
      heading = saved.heading;
      item = saved.item;
    }
  };
  walk(doc);
  return lines;
}

/**
 * A table of labels over values ("Prep time | Yields" over "15 minutes | 4 servings") read as
 * "Prep time 15 minutes", "Yields 4 servings"; null for any other table.
 */
function headedTable(table: Element): string[] | null {
  const rows: Element[] = [];
  const collect = (n: Element) => {
    for (const c of n.children ?? []) {
      if (c.type !== 'tag') continue;
      const el = c as Element;
      if (el.name === 'tr') rows.push(el);
      else if (el.name === 'thead' || el.name === 'tbody') collect(el);
    }
  };
  collect(table);
  if (rows.length !== 2) return null;
  const cells = (row: Element) =>
    (row.children ?? []).filter((c): c is Element => c.type === 'tag' && (c.name === 'td' || c.name === 'th'));
  const head = cells(rows[0]!);
  const body = cells(rows[1]!);
  if (head.length < 2 || head.length !== body.length || head.some((c) => c.name !== 'th')) return null;
  return head.map((h, i) => cleanText(`${textContent(h)} ${textContent(body[i]!)}`));
}

// Labels may carry an emoji or a number in front ("🛒 What You'll Need", "2. Method").
const labelOf = (line: PageLine) =>
  line.text
    .replace(/[:：.]\s*$/, '')
    .replace(/^[^\p{L}]+/u, '')
    .trim();
const isLabel = (line: PageLine, pattern: RegExp) => line.text.length <= 50 && pattern.test(labelOf(line));

/** Ingredient lines say an amount or name a thing in words, unlike toggles ("US", "Metric"). */
const ingredientsOk = (lines: string[]) =>
  distinct(lines) && lines.filter((l) => /\d|[½¼¾⅓⅔]/.test(l) || l.split(/\s+/).length >= 2).length >= lines.length / 2;

/** Lines that mostly differ: a list of the same words over and over ("(opens in a new tab)") is chrome. */
const distinct = (lines: string[]) => new Set(lines).size >= lines.length * 0.6;

/** A line that reads like a step: a sentence, not a menu entry. */
const steplike = (text: string) => text.split(/\s+/).length >= 4 && /[a-zà-ÿ]/i.test(text);

/**
 * The lines following a label ("Ingredients", "Method:") up to the next section's label:
 * list items when the section is a list, else its lines of text. Each place the label
 * appears is tried until one gives lines that pass `accept`.
 */
function underLabel(
  lines: PageLine[],
  label: RegExp,
  stop: RegExp,
  accept: (found: string[]) => boolean,
  kind: 'ingredients' | 'steps',
): string[] | null {
  const amounts = kind === 'ingredients';
  for (let i = 0; i < lines.length; i++) {
    const start = lines[i]!;
    if (!isLabel(start, label)) continue;
    const level = start.heading || 7;
    const found: string[] = [];
    let listMode: boolean | null = null;
    for (let j = i + 1; j < lines.length && found.length < 80; j++) {
      const line = lines[j]!;
      if (isLabel(line, stop) || isLabel(line, otherHeading)) break;
      if (line.heading > 0 && line.heading <= level && line.heading < 7) {
        // A group's heading set as large as the section's ("Ingredients", "Glaze"): the section
        // goes on when a list of amounts follows it.
        const next = lines[j + 1];
        if (!(amounts && listMode && line.text.length <= 40 && next?.item && amountList(listAt(lines, j + 1).texts))) break;
      }
      if (line.heading > 0 && line.text.length <= 60) {
        // A sub-heading inside the section ("For the sauce").
        continue;
      }
      if (listMode === null) listMode = line.item !== null;
      // A list ends at the first line of text that is not one of its items nor a label.
      if (listMode && line.item === null) {
        if (found.length > 0) break;
        continue;
      }
      // A method set as paragraphs ends at a link ("Print Recipe"), a note, or a call-out set
      // in bold.
      if (kind === 'steps' && found.length > 0 && (noteLine.test(line.text) || (!listMode && (line.link || line.bold)))) break;
      found.push(line.text);
    }
    if (found.length > 0 && accept(found)) return found;
  }
  return null;
}

/** The items of the list whose first line is lines[start] (an item's lines joined), and where it ends. */
function listAt(lines: PageLine[], start: number): { texts: string[]; end: number } {
  const list = lines[start]?.item?.parent;
  const texts: string[] = [];
  let last: Element | null = null;
  let j = start;
  for (; j < lines.length && lines[j]!.item && lines[j]!.item!.parent === list; j++) {
    const line = lines[j]!;
    if (line.item === last) texts[texts.length - 1] += ` ${line.text}`;
    else texts.push(line.text);
    last = line.item;
  }
  return { texts, end: j };
}

/** Most lines begin with an amount ("2 cups", "½ tsp", "250g"): a list of ingredients. */
const amountList = (texts: string[]) =>
  texts.length > 0 && texts.filter((t) => /^(\d|[½⅓⅔¼¾⅕⅛⅜⅝⅞])/.test(t)).length >= texts.length * 0.6;

/**
 * Ingredients with no label over them: the first run of lists whose lines begin with amounts,
 * the lists separated by nothing but their groups' headings ("Produce", "Pantry").
 */
function amountLists(lines: PageLine[]): string[] | null {
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.item) continue;
    const run: string[] = [];
    let j = i;
    for (;;) {
      const list = listAt(lines, j);
      j = Math.max(list.end, j + 1);
      if (!amountList(list.texts)) break;
      run.push(...list.texts);
      let k = j;
      while (k < lines.length && !lines[k]!.item && lines[k]!.heading > 0 && lines[k]!.text.length <= 60) k++;
      if (k >= lines.length || !lines[k]!.item) break;
      j = k;
    }
    if (run.length >= 3) return run;
    i = j - 1;
  }
  return null;
}

/** Rows of a list of ingredients to tick off: each checkbox's row. */
function checkboxRows(doc: Document): string[] | null {
  const rows = all('input[type="checkbox"]', doc)
    .map((input) => input.parent as Element | null)
    .filter((row): row is Element => row !== null && row.type === 'tag')
    .map((row) => cleanText(textWithBreaks(row).replace(/\n+/g, ' ')))
    .filter((text) => text.length > 0 && text.length <= 150);
  return rows.length >= 3 && amountList(rows) ? rows : null;
}

function blockText(el: Element): string {
  return cleanText(textContent(el));
}

const blockTags = new Set(['p', 'li', 'div', 'br', 'tr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'section']);

/** Text with a line break where the markup breaks lines (br, paragraphs, list items), not where the source does. */
function textWithBreaks(el: Element): string {
  const parts: string[] = [];
  const walk = (n: AnyNode) => {
    if (n.type === 'text') parts.push((n as unknown as { data: string }).data.replace(/\s+/g, ' '));
    else if (n.type === 'tag') {
      const tag = (n as Element).name;
      if (tag === 'script' || tag === 'style') return;
      const block = blockTags.has(tag);
      if (block) parts.push('\n');
      for (const c of (n as Element).children ?? []) walk(c);
      if (block) parts.push('\n');
    }
  };
  walk(el);
  return parts.join('');
}

function all(selector: string, root: AnyNode): Element[] {
  return selectAll(selector, root) as unknown as Element[];
}

function meta(page: PageIndex, name: string): string | null {
  return page.metas.get(name) ?? null;
}

/** The page's address, absolute: a bare "example.com/pie" is taken as https. */
export function pageAddress(url: string): string {
  const trimmed = url.trim();
  if (URL.canParse(trimmed) && /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return trimmed;
  return URL.canParse(`https://${trimmed}`) ? new URL(`https://${trimmed}`).href : trimmed;
}

function baseUrl(page: PageIndex, pageUrl: string): string {
  const href = page.baseHref;
  try {
    return href ? new URL(href, pageUrl).href : pageUrl;
  } catch {
    return pageUrl;
  }
}

function absolute(url: string, base: string): string | null {
  if (!url) return null;
  try {
    return new URL(url.replace(/^\/\//, 'https://'), base).href;
  } catch {
    return null;
  }
}

/**
 * The recipe in the importer contract's flat shape (what `yeet import-html` prints and the
 * corpus score reads): section names stand as lines before their steps, as pages show them.
 */
export function flatRecipe(r: ExtractedRecipe) {
  return {
    title: r.title,
    ingredients: r.ingredientSections.flatMap((s) => s.lines),
    instructions: r.stepSections.flatMap((s) => (s.name && s.name !== s.steps[0] ? [s.name, ...s.steps] : s.steps)),
    totalMinutes: r.totalMinutes,
    yields: r.yields,
    image: r.image,
  };
}
