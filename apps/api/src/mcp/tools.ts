import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Client } from '@connectrpc/connect';
import {
  type AuditService,
  RecipeSort,
  RecipeStatus,
  recipeStatusValues,
  searchSortValues,
  type RecipeService,
  type Facet,
  type SearchService,
} from '@yeet/contract';
import {
  cuisines,
  dietaryFlags,
  difficulties,
  failedPrecondition,
  limits,
  mealTypes,
  maxServings,
  minServings,
  recipeStatuses,
  searchSorts,
  timeBuckets,
} from '@yeet/domain';
import type { ShoppingListItem, ShoppingListService } from '@yeet/contract';
import { mealSlotValues, weekStartValues, type MealPlanEntry, type MealPlanService } from '@yeet/contract';
import {
  addDays,
  invalidField,
  isDay,
  mealPlanLimits,
  mealSlotLabels,
  mealSlots,
  today,
  weekStarts,
  type WeekStart,
} from '@yeet/domain';
import type { Collection, CollectionService } from '@yeet/contract';
import { maxCollectionNameLength } from '@yeet/domain';
import { z } from 'zod';
import {
  fullRecipe,
  recipeArgs,
  recipeInput,
  recipeKey,
  recipeSummary,
  searchFilter,
  statusName,
  type RecipeArgs,
} from './convert.ts';
import { hitLine, recipeMarkdown } from './recipe-text.ts';

/** What a tool works with: API clients acting as the MCP caller, and where links point. */
export interface ToolContext {
  recipes: Client<typeof RecipeService>;
  search: Client<typeof SearchService>;
  audit: Client<typeof AuditService>;
  collections: Client<typeof CollectionService>;
  plans: Client<typeof MealPlanService>;
  shopping: Client<typeof ShoppingListService>;
  publicUrl: string;
}

export interface ToolResult {
  /** What the model reads. */
  text: string;
  /** The same as data, matching the tool's output schema. */
  structured: Record<string, unknown>;
}

export interface ToolDefinition<Input extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: Input;
  output: z.ZodRawShape;
  /** Read-only tools are safe to call without asking; the others change data for the caller. */
  readOnly: boolean;
  /** Only for a signed-in caller: anonymous callers neither see it in tools/list nor may call it. */
  needsSignIn: boolean;
  run(ctx: ToolContext, args: z.infer<z.ZodObject<Input>>): Promise<ToolResult>;
}

const define = <Input extends z.ZodRawShape>(tool: ToolDefinition<Input>) => tool as unknown as ToolDefinition;

// --- argument schemas -------------------------------------------------------------------

const recipeRef = z
  .string()
  .min(1)
  .max(300)
  .describe('The recipe: its slug (e.g. "cacio-e-pepe", as search results give it), its id, or the link to its page.');

const filters = {
  query: z
    .string()
    .max(200)
    .optional()
    .describe(
      'Words to find in titles, ingredients, tags and cuisines. Misspellings are corrected; the last word also matches as a prefix. Leave out to browse.',
    ),
  cuisines: z
    .array(z.string().min(2).max(30))
    .max(10)
    .optional()
    .describe('Cuisines, any of them, lower case: ["italian", "thai"].'),
  meal_types: z.array(z.enum(mealTypes)).max(mealTypes.length).optional().describe('Meal types, any of them.'),
  difficulties: z.array(z.enum(difficulties)).max(difficulties.length).optional().describe('Difficulty levels, any of them.'),
  max_total_minutes: z
    .number()
    .int()
    .min(1)
    .max(limits.minutes)
    .optional()
    .describe('Only recipes ready in at most this many minutes, all told.'),
  time_buckets: z
    .array(z.enum(timeBuckets))
    .max(timeBuckets.length)
    .optional()
    .describe('Total-time ranges, any of them (the same as the facet values).'),
  tags: z.array(z.string().min(2).max(40)).max(10).optional().describe('Tags, any of them: ["weeknight", "one-pot"].'),
  dietary_flags: z
    .array(z.enum(dietaryFlags))
    .max(dietaryFlags.length)
    .optional()
    .describe('Diets, all of them must hold ("vegan" implies "vegetarian").'),
};

const ingredient = z.strictObject({
  quantity: z
    .number()
    .positive()
    .max(limits.quantity)
    .optional()
    .describe('Amount, as a number (1.5, not "1 1/2"). Leave out for "a pinch of salt"-style lines.'),
  unit: z
    .string()
    .max(limits.unit)
    .optional()
    .describe('Unit as written: g, kg, ml, l, tsp, tbsp, cup, clove… Leave out for counted items ("2 eggs").'),
  item: z.string().min(1).max(limits.item).describe('What it is: "plain flour".'),
  note: z.string().max(limits.note).optional().describe('Preparation or alternatives: "sifted", "or 2 shallots".'),
});

const recipeFields = {
  title: z
    .string()
    .min(limits.title.min)
    .max(limits.title.max)
    .describe('The dish, as a reader would search for it: "Lemon Drizzle Cake".'),
  summary: z.string().max(limits.summary).optional().describe('One or two appetising sentences: what it is and why to cook it.'),
  ingredient_sections: z
    .array(
      z.strictObject({
        name: z
          .string()
          .max(limits.sectionName)
          .optional()
          .describe('Section heading ("Dough", "Sauce"); leave out when there is one list.'),
        ingredients: z.array(ingredient).max(limits.ingredientsPerSection),
      }),
    )
    .max(limits.sections)
    .optional()
    .describe('Ingredients, grouped in sections in the order they are used.'),
  steps: z
    .array(z.string().min(1).max(limits.stepText))
    .max(limits.steps)
    .optional()
    .describe('The method, one action per step, in order. **bold** and _italic_ are allowed.'),
  servings: z.number().int().min(limits.servings.min).max(limits.servings.max).describe('How many people the quantities serve.'),
  prep_minutes: z.number().int().min(0).max(limits.minutes).optional().describe('Hands-on preparation time, minutes.'),
  cook_minutes: z.number().int().min(0).max(limits.minutes).optional().describe('Cooking or baking time, minutes.'),
  total_minutes: z
    .number()
    .int()
    .min(0)
    .max(limits.minutes)
    .optional()
    .describe('Start to table, minutes, including resting or marinating; leave out for prep + cook.'),
  difficulty: z.enum(difficulties).optional(),
  cuisines: z
    .array(z.string().min(limits.cuisine.min).max(limits.cuisine.max))
    .max(limits.cuisines)
    .optional()
    .describe(`From this list: ${cuisines.join(', ')}.`),
  meal_types: z.array(z.enum(mealTypes)).max(mealTypes.length).optional(),
  tags: z
    .array(z.string().min(limits.tag.min).max(limits.tag.max))
    .max(limits.tags)
    .optional()
    .describe('Short keywords: "weeknight", "one-pot", "make-ahead".'),
  dietary_flags: z.array(z.enum(dietaryFlags)).max(dietaryFlags.length).optional().describe('Only diets the recipe truly fits.'),
};

// --- output schemas ---------------------------------------------------------------------

const rating = z.object({ average: z.number(), count: z.number() });
const summaryShape = {
  id: z.string(),
  slug: z.string(),
  url: z.string(),
  title: z.string(),
  summary: z.string(),
  status: z.enum(recipeStatuses).nullable(),
  total_minutes: z.number(),
  difficulty: z.enum(difficulties).nullable(),
  rating,
  cuisines: z.array(z.string()),
  meal_types: z.array(z.enum(mealTypes)),
  dietary_flags: z.array(z.enum(dietaryFlags)),
  tags: z.array(z.string()),
};
const facetsShape = z.array(
  z.object({ name: z.string(), values: z.array(z.object({ value: z.string(), label: z.string(), count: z.number() })) }),
);
const savedShape = {
  id: z.string(),
  slug: z.string(),
  url: z.string(),
  status: z.enum(recipeStatuses).nullable(),
  version: z.number(),
};

// --- the meal plan's shapes ----------------------------------------------------------------

const planDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day written YYYY-MM-DD');

const planWeekArgs = {
  date: planDay.optional().describe('Any day of the week wanted, YYYY-MM-DD; leave out for the current week.'),
  weeks_ahead: z
    .number()
    .int()
    .min(-52)
    .max(52)
    .optional()
    .describe('Weeks after the week of `date` (or of today): 1 is next week, -1 last week.'),
  week_start: z.enum(weekStarts).optional().describe('The first day of a week; default monday.'),
};

const planWeekRequest = (a: { date?: string; weeks_ahead?: number; week_start?: WeekStart }) => {
  const day = a.date ?? today();
  if (a.date && !isDay(a.date)) throw invalidField('date', 'must be a real day written YYYY-MM-DD');
  return {
    date: a.weeks_ahead ? addDays(day, 7 * a.weeks_ahead) : day,
    weekStart: weekStartValues.toProto(a.week_start ?? 'monday'),
  };
};

const planEntryShape = z.object({
  id: z.string(),
  date: z.string(),
  slot: z.enum(mealSlots),
  recipe: z.string().nullable().describe('The title; "(no longer available)" for a recipe that was unpublished.'),
  recipe_slug: z.string().nullable(),
  url: z.string().nullable(),
  note: z.string().nullable(),
  servings: z.number().nullable(),
});

function planEntry(e: MealPlanEntry, publicUrl: string): z.infer<typeof planEntryShape> {
  const recipe = e.item.case === 'recipe' ? e.item.value : null;
  return {
    id: e.id,
    date: e.date,
    slot: mealSlotValues.toDomain(e.slot) ?? 'dinner',
    recipe: recipe ? (recipe.available ? recipe.title : '(no longer available)') : null,
    recipe_slug: recipe?.available ? recipe.slug : null,
    url: recipe?.available ? `${publicUrl}/r/${recipe.slug}` : null,
    note: e.item.case === 'note' ? e.item.value : null,
    servings: recipe ? e.servings : null,
  };
}

const planLine = (e: z.infer<typeof planEntryShape>) =>
  `${mealSlotLabels[e.slot]}: ${e.recipe ? `${e.recipe}${e.recipe_slug ? ` (\`${e.recipe_slug}\`)` : ''} for ${e.servings}` : e.note}`;

// --- the tools ----------------------------------------------------------------------------

const shoppingLineShape = z.object({
  id: z.string(),
  item: z.string(),
  amount: z.string().describe('As a person reads it: "700 g", "1½ cups"; empty without an amount.'),
  quantity: z.number().nullable(),
  unit: z.string(),
  note: z.string(),
  aisle: z.string(),
  checked: z.boolean(),
  recipes: z.array(z.string()).describe('Titles of the recipes the line came from.'),
});

const shoppingLine = (i: ShoppingListItem): z.infer<typeof shoppingLineShape> => ({
  id: i.id,
  item: i.item,
  amount: i.amountText,
  quantity: i.quantity ?? null,
  unit: i.unit,
  note: i.note,
  aisle: i.aisle,
  checked: i.checked,
  recipes: i.sources.map((s) => s.title),
});

const shoppingText = (l: z.infer<typeof shoppingLineShape>) =>
  `- [${l.checked ? 'x' : ' '}] ${[l.amount, l.item].filter(Boolean).join(' ')}${l.note ? `, ${l.note}` : ''}${l.recipes.length ? ` (${l.recipes.join(', ')})` : ''}`;

export const tools: ToolDefinition[] = [
  define({
    name: 'search_recipes',
    title: 'Search recipes',
    description:
      'Search the published recipes by words and filters. Returns the best matches with slug, summary, total time, difficulty and rating, ' +
      'and the commonest filter values among all matches (to narrow down); pass a slug to get_recipe for the full recipe. ' +
      'list_facets gives every filter value.',
    input: {
      ...filters,
      sort: z.enum(searchSorts).optional().describe('Default: relevance with a query, newest without.'),
      limit: z.number().int().min(1).max(50).optional().describe('How many results (default 10).'),
    },
    output: {
      total: z.number(),
      corrected_query: z.string().nullable(),
      hits: z.array(z.object(summaryShape)),
      facets: facetsShape,
    },
    readOnly: true,
    needsSignIn: false,
    async run(ctx, a) {
      const res = await ctx.search.searchRecipes({
        query: a.query ?? '',
        filter: searchFilter(a),
        sort: a.sort ? searchSortValues.toProto(a.sort) : 0,
        pageSize: a.limit ?? 10,
      });
      const hits = res.hits.map((h) => recipeSummary(h.recipe!, ctx.publicUrl));
      const facets = facetCounts(res.facets, facetSummarySize);
      const read = res.interpretedFilters.map((f) => f.label);
      const head =
        (res.correctedQuery ? `Showing results for "${res.correctedQuery}".\n` : '') +
        (read.length ? `Read as filters from the query: ${read.join(', ')}.\n` : '');
      const text =
        hits.length === 0
          ? `${head}No recipes match. Try fewer words or filters, or list_facets to see what exists.`
          : `${head}${matchCount(res.totalSize, hits.length)}:\n${hits.map(hitLine).join('\n')}\n\nAmong all matches:\n${facetLines(facets)}`;
      return { text, structured: { total: res.totalSize, corrected_query: res.correctedQuery || null, hits, facets } };
    },
  }),

  define({
    name: 'list_facets',
    title: 'List search filters',
    description:
      'The filter values that exist (cuisines, meal types, difficulty, total time, tags, diets) with how many published recipes have each, ' +
      "for a query and filters or for everything. Counts within a facet ignore that facet's own selection, as in a shop's sidebar.",
    input: filters,
    output: { total: z.number(), facets: facetsShape },
    readOnly: true,
    needsSignIn: false,
    async run(ctx, a) {
      const res = await ctx.search.searchRecipes({ query: a.query ?? '', filter: searchFilter(a), pageSize: 1 });
      const facets = facetCounts(res.facets);
      return { text: `${res.totalSize} recipes.\n${facetLines(facets)}`, structured: { total: res.totalSize, facets } };
    },
  }),

  define({
    name: 'get_recipe',
    title: 'Get a recipe',
    description:
      'The full recipe: ingredients by section, method, times, servings, rating. With `servings`, quantities are scaled to that many people. ' +
      'Published recipes are open to everyone; drafts only to their author (and editors).',
    input: {
      recipe: recipeRef,
      servings: z.number().int().min(1).max(100).optional().describe('Scale the ingredients to this many servings.'),
    },
    output: {
      ...summaryShape,
      author: z.string(),
      servings: z.number(),
      recipe_servings: z.number(),
      prep_minutes: z.number(),
      cook_minutes: z.number(),
      ingredient_sections: z.array(
        z.object({
          name: z.string(),
          ingredients: z.array(
            z.object({ quantity: z.number().nullable(), unit: z.string(), item: z.string(), note: z.string(), text: z.string() }),
          ),
        }),
      ),
      steps: z.array(z.string()),
      image_url: z.string().nullable(),
      published_at: z.string().nullable(),
      rejection_reason: z.string().nullable(),
      version: z.number(),
    },
    readOnly: true,
    needsSignIn: false,
    async run(ctx, a) {
      const { recipe } = await ctx.recipes.getRecipe({ key: recipeKey(a.recipe) });
      const full = fullRecipe(recipe!, ctx.publicUrl, a.servings ?? recipe!.servings);
      return { text: recipeMarkdown(full), structured: full };
    },
  }),

  define({
    name: 'create_recipe_draft',
    title: 'Create a recipe draft',
    description:
      'Save a new recipe as a draft owned by the signed-in person (needs an access token). Drafts are private until submitted for review ' +
      'and approved by an editor. Everything is checked as the website checks it; invalid fields are named in the error and nothing is saved.',
    input: recipeFields,
    output: savedShape,
    readOnly: false,
    needsSignIn: true,
    async run(ctx, a) {
      const { recipe } = await ctx.recipes.createRecipe({ recipe: recipeInput(a as RecipeArgs) });
      return saved(ctx, recipe!, 'Draft saved');
    },
  }),

  define({
    name: 'import_recipe_from_url',
    title: 'Import a recipe from a web page',
    description:
      'Read the recipe on a web page of any site and save it as a draft owned by the signed-in person (needs an access token), with the ' +
      "page's photo as its cover and a link back to the page. Set preview to see what would be imported without saving. The answer lists " +
      'the fields the page did not give: fill them in with update_recipe_draft before submitting. Only public http(s) pages can be read.',
    input: {
      url: z.string().min(1).max(2048).describe('The address of the recipe page, starting with https://.'),
      preview: z.boolean().optional().describe('Only show what would be imported; nothing is saved.'),
    },
    output: {
      ...savedShape,
      title: z.string(),
      preview: z.boolean(),
      missing_fields: z.array(z.string()),
      source_url: z.string().nullable(),
      source_site: z.string().nullable(),
    },
    readOnly: false,
    needsSignIn: true,
    async run(ctx, a) {
      const preview = a.preview ?? false;
      const res = await ctx.recipes.importRecipe({ input: { case: 'url', value: a.url }, preview });
      const recipe = res.recipe!;
      const full = fullRecipe(recipe, ctx.publicUrl, recipe.servings);
      const missing = res.missingFields.length ? `Not on the page: ${res.missingFields.join(', ')}.` : 'Everything was found.';
      const structured = {
        id: recipe.id,
        slug: recipe.slug,
        url: preview ? '' : full.url,
        status: preview ? null : statusName(recipe),
        version: recipe.version,
        title: recipe.title,
        preview,
        missing_fields: res.missingFields,
        source_url: res.source?.url ?? null,
        source_site: res.source?.siteName ?? null,
      };
      const head = preview
        ? `Preview of "${recipe.title}" from ${structured.source_site ?? 'the page'} (nothing saved). ${missing}`
        : `Draft saved: "${recipe.title}" (\`${recipe.slug}\`) from ${structured.source_site ?? 'the page'}. ${missing} ${full.url}`;
      const body = recipeMarkdown(full).replace(/\n\nRecipe page: .*$/, '');
      return { text: `${head}\n\n${body}`, structured };
    },
  }),

  define({
    name: 'update_recipe_draft',
    title: 'Update a recipe draft',
    description:
      'Change a draft (status "draft") of the signed-in person: give the recipe and only the fields to change; lists (ingredient_sections, ' +
      'steps, tags…) replace the whole list. A total time that was prep + cook follows changes to them. Pass expected_version (from ' +
      'get_recipe) to fail without changing anything if the draft changed since you read it.',
    input: {
      recipe: recipeRef,
      expected_version: z
        .number()
        .int()
        .min(1)
        .optional()
        .describe('The version you read with get_recipe; the update fails if the draft has moved on.'),
      ...partial(recipeFields),
    },
    output: savedShape,
    readOnly: false,
    needsSignIn: true,
    async run(ctx, a) {
      const { recipe: ref, expected_version: expectedVersion, ...changes } = a;
      const { recipe: current } = await ctx.recipes.getRecipe({ key: recipeKey(ref) });
      if (current!.status !== RecipeStatus.DRAFT) {
        throw failedPrecondition(
          `"${current!.title}" is ${statusName(current!)}, not a draft; this tool changes drafts only. Edit it on the website (${ctx.publicUrl}/r/${current!.slug}/edit).`,
        );
      }
      const before = recipeArgs(current!);
      const merged = { ...before, ...definedOnly(changes) } as RecipeArgs;
      const timesChanged = changes.prep_minutes !== undefined || changes.cook_minutes !== undefined;
      if (
        timesChanged &&
        changes.total_minutes === undefined &&
        before.total_minutes === (before.prep_minutes ?? 0) + (before.cook_minutes ?? 0)
      ) {
        delete merged.total_minutes; // it was derived: derive it again from the new times
      }
      const { recipe } = await ctx.recipes.updateRecipe({
        id: current!.id,
        recipe: recipeInput(merged),
        expectedVersion: expectedVersion ?? current!.version,
      });
      return saved(ctx, recipe!, 'Draft updated');
    },
  }),

  define({
    name: 'submit_recipe_for_review',
    title: 'Submit a draft for review',
    description:
      'Send a complete draft of the signed-in person to the editors. It needs a summary, ingredients, steps, difficulty, a meal type and times; ' +
      'the error lists what is missing. Published once an editor approves it.',
    input: { recipe: recipeRef },
    output: savedShape,
    readOnly: false,
    needsSignIn: true,
    async run(ctx, a) {
      const { recipe: current } = await ctx.recipes.getRecipe({ key: recipeKey(a.recipe) });
      const { recipe } = await ctx.recipes.submitRecipe({ id: current!.id });
      return saved(ctx, recipe!, 'Submitted for review');
    },
  }),

  define({
    name: 'rate_recipe',
    title: 'Rate a recipe',
    description:
      'Rate a published recipe for the signed-in person, 1 to 5 stars, with an optional review. Rating again replaces the earlier rating. ' +
      'Authors cannot rate their own recipes.',
    input: {
      recipe: recipeRef,
      stars: z.number().int().min(1).max(5).describe('1 (yeet it) to 5 (eat it).'),
      review: z.string().max(2000).optional().describe('What worked, what the cook changed.'),
    },
    output: { stars: z.number(), review: z.string(), average: z.number(), count: z.number() },
    readOnly: false,
    needsSignIn: true,
    async run(ctx, a) {
      const { recipe } = await ctx.recipes.getRecipe({ key: recipeKey(a.recipe) });
      const res = await ctx.recipes.rateRecipe({ recipeId: recipe!.id, stars: a.stars, review: a.review ?? '' });
      const summary = { average: res.summary?.average ?? 0, count: res.summary?.count ?? 0 };
      return {
        text: `Rated "${recipe!.title}" ${a.stars}/5. It now averages ${summary.average.toFixed(1)} from ${summary.count} ${summary.count === 1 ? 'rating' : 'ratings'}.`,
        structured: { stars: res.rating?.stars ?? a.stars, review: res.rating?.review ?? '', ...summary },
      };
    },
  }),

  define({
    name: 'save_recipe',
    title: 'Save a recipe',
    description:
      "Save a recipe (published, or the signed-in person's own) to their Favourites, or to one of their collections by name " +
      '(letter case ignored; a collection of that name is made when there is none). `saved: false` takes it out again. ' +
      'list_collections shows the collections and what they hold.',
    input: {
      recipe: recipeRef,
      collection: z
        .string()
        .min(1)
        .max(maxCollectionNameLength)
        .optional()
        .describe('The collection, e.g. "Weeknight"; Favourites when left out.'),
      saved: z.boolean().optional().describe('false takes the recipe out of the collection; true (the default) saves it.'),
    },
    output: { recipe: z.string(), collection: z.string(), saved: z.boolean(), recipe_count: z.number() },
    readOnly: false,
    needsSignIn: true,
    async run(ctx, a) {
      const { recipe } = await ctx.recipes.getRecipe({ key: recipeKey(a.recipe) });
      const save = a.saved ?? true;
      let target: Collection | undefined;
      let made = false;
      if (a.collection === undefined) {
        target = (await ctx.collections.saveRecipe({ recipeId: recipe!.id, saved: save })).favourites;
      } else {
        const wanted = a.collection.trim().toLowerCase();
        target = (await ctx.collections.listCollections({})).collections.find((c) => c.name.toLowerCase() === wanted);
        if (!target && save) {
          target = (await ctx.collections.createCollection({ name: a.collection })).collection;
          made = true;
        }
        if (!target) throw invalidField('collection', `you have no collection called "${a.collection}"`);
        const call = save ? ctx.collections.addRecipeToCollection : ctx.collections.removeRecipeFromCollection;
        target = (await call({ collectionId: target.id, recipeId: recipe!.id })).collection;
      }
      const name = target!.name;
      return {
        text: `${save ? 'Saved' : 'Took'} "${recipe!.title}" ${save ? 'to' : 'out of'} ${made ? 'the new collection ' : ''}"${name}" (${target!.recipeCount} ${target!.recipeCount === 1 ? 'recipe' : 'recipes'}).`,
        structured: { recipe: recipe!.slug, collection: name, saved: save, recipe_count: target!.recipeCount },
      };
    },
  }),

  define({
    name: 'list_collections',
    title: 'List my collections',
    description:
      "The signed-in person's collections (Favourites first) with how many recipes each holds and, when shared, its link. " +
      'With `collection`, the recipes in that one, newest saved first; a recipe no longer published shows as unavailable.',
    input: {
      collection: z
        .string()
        .min(1)
        .max(maxCollectionNameLength)
        .optional()
        .describe('A collection by name, to list its recipes.'),
    },
    output: {
      collections: z.array(
        z.object({ name: z.string(), favourites: z.boolean(), recipe_count: z.number(), share_url: z.string().nullable() }),
      ),
      recipes: z
        .array(
          z.object({
            slug: z.string().nullable(),
            title: z.string().nullable(),
            available: z.boolean(),
            url: z.string().nullable(),
          }),
        )
        .optional(),
    },
    readOnly: true,
    needsSignIn: true,
    async run(ctx, a) {
      const all = (await ctx.collections.listCollections({})).collections;
      const collections = all.map((c) => ({
        name: c.name,
        favourites: c.favourites,
        recipe_count: c.recipeCount,
        share_url: c.shareToken ? `${ctx.publicUrl}/c/${c.shareToken}` : null,
      }));
      const listing = collections.map((c) => `- ${c.name} (${c.recipe_count})${c.share_url ? ` shared: ${c.share_url}` : ''}`);
      if (a.collection === undefined) return { text: listing.join('\n'), structured: { collections } };
      const wanted = a.collection.trim().toLowerCase();
      const one = all.find((c) => c.name.toLowerCase() === wanted);
      if (!one) {
        const yours = all.map((c) => c.name).join(', ');
        throw invalidField('collection', `you have no collection called "${a.collection}"; yours: ${yours}`);
      }
      const { entries } = await ctx.collections.getCollection({ id: one.id });
      const recipes = entries.map((e) => ({
        slug: e.recipe?.slug ?? null,
        title: e.recipe?.title ?? null,
        available: e.available,
        url: e.recipe && e.available ? `${ctx.publicUrl}/r/${e.recipe.slug}` : null,
      }));
      const lines = recipes.map((r) =>
        r.available
          ? `- ${r.title} (\`${r.slug}\`)`
          : `- (unavailable${r.title ? `: your own "${r.title}", not published` : ''})`,
      );
      return {
        text: `${one.name}, ${recipes.length} ${recipes.length === 1 ? 'recipe' : 'recipes'}:\n${lines.join('\n') || '- (empty)'}`,
        structured: { collections, recipes },
      };
    },
  }),

  define({
    name: 'add_to_shopping_list',
    title: 'Add a recipe to my shopping list',
    description:
      "Put a recipe's ingredients on the signed-in person's shopping list, scaled to `servings` (the recipe's own when left out). " +
      'The same ingredient in compatible units merges into one line (200 g + 0.5 kg onions → 700 g); lines already ticked off are left alone. ' +
      'Each line remembers the recipes it came from. Answers with the lines added or changed.',
    input: {
      recipe: recipeRef,
      servings: z.number().int().min(minServings).max(maxServings).optional().describe('How many people to shop for.'),
    },
    output: { recipe: z.string(), servings: z.number(), lines: z.array(shoppingLineShape) },
    readOnly: false,
    needsSignIn: true,
    async run(ctx, a) {
      const { recipe } = await ctx.recipes.getRecipe({ key: recipeKey(a.recipe) });
      const servings = a.servings ?? recipe!.servings;
      const { items } = await ctx.shopping.addRecipeToShoppingList({ recipeId: recipe!.id, servings });
      const lines = items.map(shoppingLine);
      return {
        text: `Added "${recipe!.title}" for ${servings} to the shopping list:\n${lines.map(shoppingText).join('\n')}`,
        structured: { recipe: recipe!.title, servings, lines },
      };
    },
  }),

  define({
    name: 'get_shopping_list',
    title: 'Get my shopping list',
    description:
      "The signed-in person's shopping list, grouped by aisle in the order of a walk through a shop, ticked lines marked [x], " +
      'with the recipes each line came from.',
    input: {},
    output: {
      aisles: z.array(z.object({ aisle: z.string(), label: z.string(), lines: z.array(shoppingLineShape) })),
    },
    readOnly: true,
    needsSignIn: true,
    async run(ctx) {
      const res = await ctx.shopping.getShoppingList({});
      const aisles = res.aisles.map((g) => ({ aisle: g.aisle, label: g.label, lines: g.items.map(shoppingLine) }));
      const text = aisles.map((g) => `## ${g.label}\n${g.lines.map(shoppingText).join('\n')}`).join('\n\n');
      return { text: text || 'The shopping list is empty.', structured: { aisles } };
    },
  }),

  define({
    name: 'plan_meal',
    title: 'Plan a meal',
    description:
      "Put a recipe (published, or the signed-in person's own draft) or a free-text note in a day's breakfast, lunch, dinner or snack " +
      "slot of the signed-in person's meal plan, at `servings` (the recipe's own when left out). Several entries may share a slot. " +
      'get_meal_plan shows the week; add_meal_plan_to_shopping_list puts the week on the shopping list.',
    input: {
      date: planDay.describe('The day, YYYY-MM-DD (e.g. "2026-12-07"); get_meal_plan gives the dates of this and next week.'),
      slot: z.enum(mealSlots).describe('Which meal of the day.'),
      recipe: recipeRef.optional().describe('The recipe to plan (slug, id or link); leave out for a note.'),
      note: z
        .string()
        .min(1)
        .max(mealPlanLimits.note.max)
        .optional()
        .describe('Instead of a recipe: a note such as "Eating out" or "Leftovers".'),
      servings: z
        .number()
        .int()
        .min(mealPlanLimits.servings.min)
        .max(mealPlanLimits.servings.max)
        .optional()
        .describe('How many people the recipe is for (recipes only).'),
    },
    output: planEntryShape.shape,
    readOnly: false,
    needsSignIn: true,
    async run(ctx, a) {
      if (!a.recipe === !a.note) throw invalidField('recipe', 'give either a recipe or a note');
      const recipeId = a.recipe ? (await ctx.recipes.getRecipe({ key: recipeKey(a.recipe) })).recipe!.id : '';
      const { entry } = await ctx.plans.addMealPlanEntry({
        date: a.date,
        slot: mealSlotValues.toProto(a.slot),
        recipeId,
        note: a.note ?? '',
        servings: a.servings ?? 0,
      });
      const planned = planEntry(entry!, ctx.publicUrl);
      return { text: `Planned for ${planned.date}: ${planLine(planned)}`, structured: planned };
    },
  }),

  define({
    name: 'get_meal_plan',
    title: 'Get my meal plan',
    description:
      "The signed-in person's meal plan for a week (Monday first unless week_start says otherwise), day by day in slot order, " +
      'with the servings of each planned recipe. Today is in the week given by no date; weeks_ahead: 1 is next week.',
    input: planWeekArgs,
    output: {
      start_date: z.string(),
      end_date: z.string(),
      days: z.array(z.object({ date: z.string(), entries: z.array(planEntryShape) })),
    },
    readOnly: true,
    needsSignIn: true,
    async run(ctx, a) {
      const week = await ctx.plans.getMealPlan(planWeekRequest(a));
      const days = week.days.map((d) => ({ date: d.date, entries: d.entries.map((e) => planEntry(e, ctx.publicUrl)) }));
      const text = days
        .map((d) => `## ${d.date}\n${d.entries.map((e) => `- ${planLine(e)}`).join('\n') || '- (nothing planned)'}`)
        .join('\n\n');
      return {
        text: `Week of ${week.startDate} to ${week.endDate}:\n\n${text}`,
        structured: { start_date: week.startDate, end_date: week.endDate, days },
      };
    },
  }),

  define({
    name: 'add_meal_plan_to_shopping_list',
    title: "Add a week's meal plan to my shopping list",
    description:
      "Put the ingredients of every recipe planned in a week of the signed-in person's meal plan on their shopping list, each at its " +
      'planned servings, merged with what is there as add_to_shopping_list merges. Notes are left out, and so are recipes no longer available.',
    input: planWeekArgs,
    output: { recipes_added: z.number(), recipes_skipped: z.number() },
    readOnly: false,
    needsSignIn: true,
    async run(ctx, a) {
      const res = await ctx.plans.addMealPlanToShoppingList(planWeekRequest(a));
      const skipped = res.recipesSkipped ? ` (${res.recipesSkipped} no longer available, left out)` : '';
      return {
        text: `Added ${res.recipesAdded} planned ${res.recipesAdded === 1 ? 'recipe' : 'recipes'} to the shopping list${skipped}. get_shopping_list shows it.`,
        structured: { recipes_added: res.recipesAdded, recipes_skipped: res.recipesSkipped },
      };
    },
  }),

  define({
    name: 'list_my_recipes',
    title: 'List my recipes',
    description:
      "The signed-in person's recipes in every state (draft, in_review, published, archived), newest first (at most 100), with editors' notes on rejected drafts.",
    input: { status: z.enum(recipeStatuses).optional().describe('Only recipes in this state.') },
    output: {
      recipes: z.array(
        z.object({
          id: z.string(),
          slug: z.string(),
          title: z.string(),
          status: z.enum(recipeStatuses).nullable(),
          rejection_reason: z.string().nullable(),
          url: z.string(),
        }),
      ),
      more: z.boolean().describe('True when there are older recipes than these; filter by status to see them.'),
    },
    readOnly: true,
    needsSignIn: true,
    async run(ctx, a) {
      const res = await ctx.recipes.listRecipes({
        pageSize: myRecipesLimit,
        sort: RecipeSort.NEWEST,
        filter: { mine: true, status: a.status ? recipeStatusValues.toProto(a.status) : 0 },
      });
      const recipes = res.recipes.map((r) => ({
        id: r.id,
        slug: r.slug,
        title: r.title,
        status: statusName(r),
        rejection_reason: r.rejectionReason || null,
        url: `${ctx.publicUrl}/r/${r.slug}`,
      }));
      const more = res.nextPageToken !== '';
      const lines = recipes.map(
        (r) => `- ${r.title} (\`${r.slug}\`): ${r.status}${r.rejection_reason ? ` — editor's note: ${r.rejection_reason}` : ''}`,
      );
      if (more) lines.push(`(the newest ${myRecipesLimit}; there are older ones — filter by status to see them)`);
      return { text: lines.length ? lines.join('\n') : 'No recipes yet.', structured: { recipes, more } };
    },
  }),

  define({
    name: 'list_audit_events',
    title: 'List audit events (admins)',
    description:
      'Admins only: the audit log, newest first — recipe lifecycle events (kind "recipe.create", "recipe.submit", "recipe.approve", …), role changes ("user.roles_changed"), account deletions ("user.deleted"), bursts of failed sign-ins ("user.sign_in_failures") and data exports ("user.data_exported"), optionally filtered. Read-only.',
    input: {
      actor_id: z.string().uuid().optional().describe('Only events caused by this user id.'),
      subject_id: z.string().uuid().optional().describe('Only events about this recipe or user id.'),
      kinds: z.array(z.string().max(40)).max(20).optional().describe('Only these kinds, e.g. ["recipe.approve"].'),
      since: z.string().datetime().optional().describe('Only events at or after this time (ISO 8601).'),
      until: z.string().datetime().optional().describe('Only events before this time (ISO 8601).'),
      page_token: z.string().max(500).optional().describe('The next_page_token of a previous answer, for older events.'),
    },
    output: {
      events: z.array(
        z.object({
          id: z.string(),
          kind: z.string(),
          actor: z.string().nullable(),
          subject_kind: z.string(),
          subject_id: z.string(),
          subject: z.string(),
          at: z.string(),
          detail: z.record(z.string(), z.unknown()),
        }),
      ),
      next_page_token: z.string().describe('Empty on the last page.'),
    },
    readOnly: true,
    needsSignIn: true,
    async run(ctx, a) {
      const res = await ctx.audit.listEvents({
        actorId: a.actor_id ?? '',
        subjectId: a.subject_id ?? '',
        kinds: a.kinds ?? [],
        since: a.since ? timestampFromDate(new Date(a.since)) : undefined,
        until: a.until ? timestampFromDate(new Date(a.until)) : undefined,
        pageToken: a.page_token ?? '',
      });
      const events = res.events.map((e) => ({
        id: e.id,
        kind: e.kind,
        actor: e.actor?.displayName ?? null,
        subject_kind: e.subjectKind,
        subject_id: e.subjectId,
        subject: e.subjectLabel,
        at: e.createTime ? timestampDate(e.createTime).toISOString() : '',
        detail: (e.detail ?? {}) as Record<string, unknown>,
      }));
      const lines = events.map(
        (e) => `- ${e.at} ${e.kind} by ${e.actor ?? 'nobody'} on ${e.subject_kind} "${e.subject}" ${JSON.stringify(e.detail)}`,
      );
      if (res.nextPageToken) lines.push('(older events: call again with next_page_token)');
      return {
        text: lines.length ? lines.join('\n') : 'No events match.',
        structured: { events, next_page_token: res.nextPageToken },
      };
    },
  }),
];

/** How many values of each facet search_recipes reports: enough to suggest a next filter. */
const facetSummarySize = 5;
const myRecipesLimit = 100;

/** Facet values that occur, in the API's order; with `top`, only the commonest `top` of each. */
function facetCounts(facets: Facet[], top?: number) {
  return facets.map((f) => {
    const present = f.values.filter((v) => v.count > 0);
    const values = top === undefined ? present : [...present].sort((x, y) => y.count - x.count).slice(0, top);
    return { name: f.name, values: values.map((v) => ({ value: v.value, label: v.label, count: v.count })) };
  });
}

const matchCount = (total: number, shown: number) =>
  total === 1 ? '1 recipe matches' : shown === total ? `${total} recipes match` : `${total} recipes match; the first ${shown}`;

const facetLines = (facets: ReturnType<typeof facetCounts>) =>
  facets.map((f) => `${f.name}: ${f.values.map((v) => `${v.value} (${v.count})`).join(', ') || '—'}`).join('\n');

function saved(
  ctx: ToolContext,
  recipe: NonNullable<Awaited<ReturnType<ToolContext['recipes']['getRecipe']>>['recipe']>,
  what: string,
): ToolResult {
  const structured = {
    id: recipe.id,
    slug: recipe.slug,
    url: `${ctx.publicUrl}/r/${recipe.slug}`,
    status: statusName(recipe),
    version: recipe.version,
  };
  return { text: `${what}: "${recipe.title}" (\`${recipe.slug}\`), now ${structured.status}. ${structured.url}`, structured };
}

function partial<S extends z.ZodRawShape>(shape: S): { [K in keyof S]: z.ZodOptional<S[K]> } {
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, (v as z.ZodType).optional()])) as never;
}

const definedOnly = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
