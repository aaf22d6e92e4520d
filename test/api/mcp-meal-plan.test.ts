import { DietaryFlag, MealType } from '@yeet/contract';
import { addDays, today, weekOf } from '@yeet/domain';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, data, mcpClients, text } from '../support/mcp.ts';
import { oidcFlow, type Tokens } from '../support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { drained } from '../support/queue.ts';
import { recipeInput } from '../support/recipes.ts';

/**
 * The meal plan's MCP tools with the SDK's own client against the real server: what an
 * assistant does for "plan three vegetarian dinners for next week and put what I need on my list".
 */
const sessionSecret = 'mcp-meal-plan-test-session-secret-long-enough-01';
let t: TestPlatform;
let db: pg.Client;
let cook: Tokens;
let other: Tokens;
const { connect, closeAll } = mcpClients(() => t.baseUrl);

beforeAll(async () => {
  // role all: the worker indexes what the editor approves, so search sees it
  t = await startTestPlatform({ ROLE: 'all', SESSION_SECRET: sessionSecret, MCP_RATE_LIMIT: '1000' });
  const flow = oidcFlow(t.baseUrl, t.config, sessionSecret);
  await flow.signUp({ email: 'first@example.com', password: 'correct horse battery staple', displayName: 'First Admin' });
  cook = await flow.signUp({ email: 'cook@example.com', password: 'a long enough passphrase', displayName: 'Cook' });
  other = await flow.signUp({ email: 'other@example.com', password: 'pink elephants dance slowly', displayName: 'Other' });
  db = new pg.Client({ connectionString: t.database.url });
  await db.connect();
  const writer = t.recipes('chef', ['author']);
  const catalogue: Array<[string, DietaryFlag[]]> = [
    ['Lentil Dal', [DietaryFlag.VEGETARIAN, DietaryFlag.VEGAN]],
    ['Spinach Risotto', [DietaryFlag.VEGETARIAN]],
    ['Halloumi Traybake', [DietaryFlag.VEGETARIAN]],
    ['Beef Stew', []],
  ];
  for (const [title, dietaryFlags] of catalogue) {
    const { recipe } = await writer.createRecipe({
      recipe: recipeInput({ title, dietaryFlags, mealTypes: [MealType.DINNER], servings: 4 }),
    });
    await writer.submitRecipe({ id: recipe!.id });
    await t.recipes('erin-dev', ['editor']).approveRecipe({ id: recipe!.id });
  }
  await drained(db);
}, 120_000);
afterAll(async () => {
  await closeAll();
  await db?.end();
  await t?.stop();
});

interface Week {
  start_date: string;
  days: Array<{ date: string; entries: Array<{ slot: string; recipe: string | null; note: string | null; servings: number }> }>;
}

describe('meal-plan tools', () => {
  it('plans three vegetarian dinners for next week and puts what they need on the list', async () => {
    const assistant = await connect(cook.access_token);
    const found = data<{ hits: Array<{ slug: string; title: string }> }>(
      await call(assistant, 'search_recipes', { dietary_flags: ['vegetarian'], meal_types: ['dinner'], limit: 3 }),
    );
    expect(found.hits.map((h) => h.title).sort()).toEqual(['Halloumi Traybake', 'Lentil Dal', 'Spinach Risotto']);

    const next = data<Week>(await call(assistant, 'get_meal_plan', { weeks_ahead: 1 }));
    const monday = weekOf(addDays(today(), 7)).start;
    expect(next.start_date).toBe(monday);
    expect(next.days.flatMap((d) => d.entries)).toEqual([]);
    for (const [i, hit] of found.hits.entries()) {
      const planned = data<{ date: string; slot: string; recipe: string; servings: number }>(
        await call(assistant, 'plan_meal', { date: next.days[i]!.date, slot: 'dinner', recipe: hit.slug, servings: 2 }),
      );
      expect(planned).toMatchObject({ date: next.days[i]!.date, slot: 'dinner', recipe: hit.title, servings: 2 });
    }
    await call(assistant, 'plan_meal', { date: next.days[4]!.date, slot: 'dinner', note: 'Pizza out with friends' });

    const week = await call(assistant, 'get_meal_plan', { date: monday });
    expect(
      data<Week>(week)
        .days.flatMap((d) => d.entries)
        .map((e) => e.recipe ?? e.note),
    ).toEqual([...found.hits.map((h) => h.title), 'Pizza out with friends']);
    expect(text(week)).toContain(`## ${monday}\n- Dinner: ${found.hits[0]!.title}`);

    const added = data<{ recipes_added: number }>(await call(assistant, 'add_meal_plan_to_shopping_list', { weeks_ahead: 1 }));
    expect(added.recipes_added).toBe(3);
    // every recipe: 800 g tomatoes for 4, so 3 × 400 g for 2 each, on one line
    const list = data<{ aisles: Array<{ lines: Array<{ item: string; amount: string; recipes: string[] }> }> }>(
      await call(assistant, 'get_shopping_list', {}),
    );
    const tomatoes = list.aisles.flatMap((a) => a.lines).filter((l) => l.item === 'tomatoes');
    expect(tomatoes.map((l) => l.amount)).toEqual(['1.2 kg']);
    expect(tomatoes[0]!.recipes.sort()).toEqual(found.hits.map((h) => h.title).sort());
  });

  it('checks the arguments as the API does, and keeps each plan to its owner', async () => {
    const assistant = await connect(cook.access_token);
    const range = await call(assistant, 'plan_meal', { date: '2026-12-07', slot: 'dinner', recipe: 'lentil-dal', servings: 101 });
    expect(range.isError).toBe(true);
    expect(text(range)).toMatch(/^Invalid arguments/);
    expect(text(range)).toContain('- servings:');
    const day = await call(assistant, 'plan_meal', { date: '2026-02-30', slot: 'dinner', note: 'Nothing' });
    expect(day.isError).toBe(true);
    expect(text(day)).toContain('date');
    const both = await call(assistant, 'plan_meal', { date: '2026-12-07', slot: 'lunch' });
    expect(both.isError).toBe(true);
    expect(text(await call(assistant, 'plan_meal', { date: '2026-12-07', slot: 'dinner', recipe: 'no-such-recipe' }))).toMatch(
      /^Not found/,
    );
    await call(assistant, 'plan_meal', { date: '2026-12-08', slot: 'lunch', note: 'Soup at work' });
    const theirs = data<Week>(await call(await connect(other.access_token), 'get_meal_plan', { date: '2026-12-08' }));
    expect(theirs.days.flatMap((d) => d.entries)).toEqual([]);

    const anonymous = await connect();
    // refused before the tool runs (an HTTP 401 with the way to sign in)
    const refused = await call(anonymous, 'get_meal_plan', {}).then(text, (e: Error) => e.message);
    expect(refused).toMatch(/get_meal_plan acts for a signed-in person/);
    const tools = (await assistant.listTools()).tools;
    expect(tools.find((tool) => tool.name === 'get_meal_plan')?.annotations?.readOnlyHint).toBe(true);
    expect(tools.find((tool) => tool.name === 'plan_meal')?.annotations?.readOnlyHint).toBe(false);
    expect(tools.find((tool) => tool.name === 'add_meal_plan_to_shopping_list')?.annotations?.readOnlyHint).toBe(false);
  });
});
